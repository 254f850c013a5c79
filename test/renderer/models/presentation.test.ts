import { describe, expect, it } from 'vitest'
import { configSummary, metricFacts, provenanceFacts } from '../../../src-renderer/src/components/models/presentation'
import { providerName } from '../../../src-renderer/src/components/models/providers'
import { jobSubject, jobTypeLabel } from '../../../src-renderer/src/jobs/presentation'

describe('model presentation', () => {
  it('names known metrics first, keeps unknown ones readable, and stays short', () => {
    expect(metricFacts({ valLoss: 0.4321, mAP: 0.8123, perClass: { a: 1 }, bestEpoch: 7 })).toEqual([
      { label: 'mAP', value: '0.812' },
      { label: 'validation loss', value: '0.432' },
      { label: 'per class', value: '{"a":1}' },
      { label: 'best epoch', value: '7' },
    ])
    expect(metricFacts({ a: 1, b: 2, c: 3 }, 2)).toHaveLength(2)
    expect(metricFacts({ note: null })).toEqual([])
  })

  it('shortens long provenance values in the middle', () => {
    const [sha] = provenanceFacts({ sha256: 'a'.repeat(40) + 'b'.repeat(40) + 'c'.repeat(10) })
    expect(sha.label).toBe('SHA-256')
    expect(sha.value).toBe(`${'a'.repeat(38)}…${'b'.repeat(28)}${'c'.repeat(10)}`)
  })

  it('sums up an encoder config from the keys it has', () => {
    expect(configSummary({ embedDim: 768, layers: 12, sampleRate: 16000 })).toBe('768-d · 12 layers · 16 kHz')
    expect(configSummary({ encoder_embed_dim: 384 })).toBe('384-d')
    expect(configSummary({})).toBe('')
  })

  it('says where inference runs in words', () => {
    expect(providerName('cuda')).toBe('an NVIDIA GPU (CUDA)')
    expect(providerName('cpu')).toBe('the CPU')
    expect(providerName('rocm')).toBe('rocm')
  })
})

describe('job params in the Jobs view', () => {
  const subject = (params: Record<string, unknown>) => jobSubject({ params })

  it('names every job type of the season', () => {
    expect(['import', 'analyze', 'rescore', 'model-import', 'export'].map(jobTypeLabel)).toEqual(['Import recordings', 'Analyze recordings', 'Rescore detections', 'Import checkpoint', 'Export'])
  })

  it('sums up each type’s params in a line', () => {
    expect(subject({ type: 'import', folders: ['/data/a', '/data/b'], timeExpansion: 10 })).toBe('/data/a, /data/b · time expansion ×10')
    expect(subject({ type: 'analyze', encoderId: 3, windowS: 10, hopS: 5 })).toBe('encoder #3 · 10 s windows · hop 5 s · recordings not yet analysed')
    expect(subject({ type: 'analyze', recordingIds: [1, 2, 3, 4, 5] })).toBe('active encoder · 5 recordings')
    expect(subject({ type: 'rescore', headIds: [4, 5] })).toBe('head #4, #5')
    expect(subject({ type: 'rescore' })).toBe('active heads')
    expect(subject({ type: 'model-import', checkpointPath: '/m/OpenBEATs.pt', quantize: true })).toBe('/m/OpenBEATs.pt · quantised copy')
    expect(subject({ type: 'export', format: 'raven', content: 'detections', deploymentIds: [7] })).toBe('raven · detections · deployment #7')
    expect(subject({ type: 'scan-folder', folder: '/data/sd' })).toBe('/data/sd')
  })
})
