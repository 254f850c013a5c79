// The GPU training panel's pure pieces: form defaults, what blocks a start, the job params a form
// becomes (checked against the contract), how the environment and trainer jobs read.
import { describe, expect, it } from 'vitest'
import { FinetuneParams, JobParams, PretrainParams, TokenizerParams, type TrainerEnvironment } from '../../../src-shared/contracts'
import { defaultForm, environmentSummary, formProblems, toJobParams } from '../../../src-renderer/src/components/trainer/trainer-forms'
import { trainerJobLine } from '../../../src-renderer/src/components/trainer/trainer-jobs'
import { describeResult, jobSubject, jobTypeLabel } from '../../../src-renderer/src/jobs/presentation'
import { jobSnapshot } from '../helpers/fixtures'

function environment(overrides: Partial<TrainerEnvironment> = {}): TrainerEnvironment {
  return {
    status: 'ready', python: '/usr/bin/python3', trainerDir: '/app/trainer', pythonVersion: '3.11.2', torch: '2.11.0', cudaBuild: '12.8', cudaAvailable: true,
    gpus: [{ index: 0, name: 'NVIDIA H100', totalMemoryBytes: 8e10, freeMemoryBytes: 7e10 }], bf16: true, packages: {}, problems: [], notes: [], checkedAt: '2025-01-01T00:00:00Z',
    ...overrides,
  }
}

describe('GPU training forms', () => {
  it('turns a fine-tuning form into valid finetune params with the trainer\'s hyper-parameter names', () => {
    const form = { ...defaultForm('finetune'), base: { kind: 'encoder' as const, id: 3 }, labelIds: [11, 12], name: '  Marsh birds  ', seed: 2 }
    const params = toJobParams(form)
    expect(params).toEqual({
      type: 'finetune', encoderId: 3, name: 'Marsh birds', seed: 2, device: 'auto', labelIds: [11, 12], multiLabel: false, valFraction: 0.2,
      hparams: { epochs: 10, batch_size: 16, lr: 5e-5, precision: 'auto', clip_seconds: 10, eval_clip_seconds: 10, freeze_encoder: false, mixup_prob: 0.5 },
    })
    expect(FinetuneParams.safeParse(params).success).toBe(true)
    expect(JobParams.safeParse(params).success).toBe(true)
  })

  it('makes pre-training and tokenizer params the contract accepts', () => {
    const pre = toJobParams({ ...defaultForm('pretrain'), base: { kind: 'random', preset: 'tiny' }, tokenizer: '/p/models/tokenizers/tokenizer-job4.pt' })
    expect(pre).toMatchObject({ type: 'pretrain', architecture: 'tiny', segmentS: 10, hparams: { lr: 1e-4, mask_ratio: 0.75, tokenizer: '/p/models/tokenizers/tokenizer-job4.pt' } })
    expect(PretrainParams.safeParse(pre).success).toBe(true)
    const vq = toJobParams({ ...defaultForm('tokenizer'), base: { kind: 'encoder', id: 9 } })
    expect(vq).toMatchObject({ type: 'tokenizer', encoderId: 9, hparams: { kind: 'vq', codebook_size: 1024 } })
    expect(TokenizerParams.safeParse(vq).success).toBe(true)
    const random = toJobParams({ ...defaultForm('tokenizer'), tokenizerKind: 'random' })
    expect(random).toEqual({ type: 'tokenizer', seed: 0, device: 'auto', segmentS: 10, hparams: { kind: 'random' } })
  })

  it('says what is missing before a start', () => {
    expect(formProblems(defaultForm('finetune'))).toEqual(['Choose the model to start from.', 'Choose the labels to train.'])
    expect(formProblems({ ...defaultForm('finetune'), base: { kind: 'encoder', id: 1 }, labelIds: [4] })).toEqual(['Multi-class training needs two labels or more (or switch to multi-label).'])
    expect(formProblems({ ...defaultForm('finetune'), base: { kind: 'encoder', id: 1 }, labelIds: [4], multiLabel: true, epochs: 0 })).toEqual(['Epochs must be a positive number.'])
    expect(formProblems({ ...defaultForm('tokenizer'), tokenizerKind: 'random' })).toEqual([])
    expect(formProblems({ ...defaultForm('pretrain'), base: { kind: 'encoder', id: 1 }, batchSize: 2.5 })).toEqual(['Epochs and batch size are whole numbers.'])
  })

  it('summarises the environment in a badge and a line', () => {
    expect(environmentSummary(null, true)).toMatchObject({ tone: 'info', label: 'Checking…' })
    expect(environmentSummary(environment(), false)).toEqual({ tone: 'success', label: 'GPU ready', detail: 'Python 3.11.2, PyTorch 2.11.0; NVIDIA H100' })
    expect(environmentSummary(environment({ status: 'cpu-only', cudaAvailable: false, gpus: [] }), false)).toMatchObject({ tone: 'warning', label: 'CPU only', detail: 'Python 3.11.2, PyTorch 2.11.0; no CUDA GPU — jobs run, slowly' })
    expect(environmentSummary(environment({ status: 'unavailable', torch: null, problems: ['PyTorch is not installed'] }), false)).toMatchObject({ tone: 'danger', detail: 'PyTorch is not installed' })
  })
})

describe('trainer jobs in the job lists', () => {
  it('names the job types and says what a job trains from', () => {
    expect(jobTypeLabel('finetune')).toBe('Fine-tune (GPU)')
    expect(jobTypeLabel('gpu-embed')).toBe('Analyze on the GPU')
    expect(jobSubject({ params: { type: 'finetune', encoderId: 3, labelIds: [1, 2], hparams: { epochs: 5 }, device: 'cpu' } })).toBe('from encoder #3 · 2 labels · 5 epochs · CPU')
    expect(jobSubject({ params: { type: 'tokenizer', hparams: { kind: 'random' } } })).toBe('random projection')
    expect(jobSubject({ params: { type: 'gpu-embed', windowS: 1 } })).toBe('from the active encoder · 1 s windows · recordings not yet analysed')
  })

  it('shows loss and speed while training, and the outcome after', () => {
    const running = jobSnapshot({ type: 'finetune', status: 'running', progress: { done: 3, total: 40, unit: 'steps', rate: 2, etaSeconds: 18, message: 'epoch 1 · loss 0.5123 · 41.0 clips/s' } })
    expect(trainerJobLine(running)).toBe('epoch 1 · loss 0.5123 · 41.0 clips/s')
    const stopped = jobSnapshot({ type: 'finetune', status: 'cancelled', progress: { done: 7, total: 40, unit: 'steps', rate: null, etaSeconds: null, message: null } })
    expect(trainerJobLine(stopped)).toBe('Stopped at step 7; resume continues from the last checkpoint')
    const result = {
      kind: 'finetune', steps: 40, finalLoss: 0.21, samplesPerS: 52.25, device: 'cuda:0', precision: 'bf16',
      data: { items: 10, recordings: 2, audioSeconds: 10, perLabel: {}, perSplit: {}, warnings: [], sha256: 'x' },
      metrics: {}, encoderId: 4, headId: 5, name: 'Marsh birds', version: '2', parity: null, tokenizerPath: null, throughput: {},
    }
    expect(trainerJobLine(jobSnapshot({ type: 'finetune', status: 'succeeded', result }))).toBe('registered Marsh birds 2 · loss 0.2100 · 52.3 clips/s · 40 steps on cuda:0')
    expect(trainerJobLine(jobSnapshot({ type: 'finetune', status: 'failed', error: { code: 'TRAINING_DATA', message: 'label x has no training examples\nmore', stderrTail: null } }))).toBe('TRAINING_DATA: label x has no training examples')
  })

  it('describes a finished run on its job card with real decimals', () => {
    const result = {
      kind: 'finetune', steps: 18, finalLoss: 0.68331, samplesPerS: 9.71, device: 'cpu', precision: 'fp32',
      data: { items: 8, recordings: 4, audioSeconds: 8, perLabel: {}, perSplit: { train: 6, val: 2 }, warnings: [], sha256: 'x' },
      metrics: { val: { n: 2, mAP: 1, accuracy: 0.5, loss: 0.69 } }, encoderId: 1, headId: 2, name: 'Tones', version: '1',
      parity: { trainer: { maxAbsDiff: 4.66e-6, windows: 24 } }, tokenizerPath: null, throughput: {},
    }
    expect(describeResult('finetune', result)).toEqual([
      { label: 'Registered', value: 'Tones 1 (encoder #1, head #2)' },
      { label: 'Steps', value: '18 on cpu (fp32)' },
      { label: 'Final loss', value: '0.6833' },
      { label: 'Speed', value: '9.7 clips/s' },
      { label: 'Data', value: '8 items from 4 recordings (train 6 · val 2)' },
      { label: 'Validation', value: 'mAP 1.000 · accuracy 0.500' },
      { label: 'Parity', value: 'max |Δ| 4.7e-6 against the trainer (24 windows)' },
    ])
    const embed = {
      analysisId: 1, encoderId: 1, windowS: 1, hopS: 0.5, analysed: 4, alreadyAnalysed: 0, failed: [], skipped: 1, windows: 32, audioSeconds: 7200, detections: 9,
      heads: [], device: 'cuda:0', precision: 'bf16',
      throughput: { overall_audio_s_per_s: 5012.4, decode: { audio_s_per_s_per_worker: 812.2 }, fbank: { on: 'device', audio_s_per_s: 90000 }, encoder: { audio_s_per_s: 6100 } },
    }
    expect(describeResult('gpu-embed', embed)).toEqual([
      { label: 'Analysed', value: '4 recordings (2.00 h), 32 windows' },
      { label: 'Detections', value: '9' },
      { label: 'Left for Analyze', value: '1 time-expanded' },
      { label: 'Audio-s/s', value: '5012 overall · decode 812/worker · fbank 90000 · encoder 6100 on cuda:0 (bf16)' },
    ])
  })
})
