import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { missingCudaProviderFiles } from '../../../src-main/model/engine/cuda-provider'
import { createSessionWithFallback, PROVIDER_ORDER } from '../../../src-main/model/engine/providers'
import { buildEncoderGraph } from '../../../src-main/model/onnx/encoder-graph'
import { TINY, tinyWeights } from '../onnx/tiny-model'

const model = buildEncoderGraph(TINY, tinyWeights()).bytes
const builtIn = new Set(ort.listSupportedBackends().map((b) => b.name))

describe('execution provider fallback', () => {
  it('tries CUDA → WebGPU → DirectML → CoreML → CPU and records why each unused one was not used', async () => {
    const { session, report } = await createSessionWithFallback({ model, threads: 1, detectGpu: async () => undefined })
    expect(report.attempts.map((a) => a.name)).toEqual([...PROVIDER_ORDER])
    const used = report.attempts.find((a) => a.ok)
    expect(used?.name).toBe(report.used)
    for (const a of report.attempts.filter((x) => !x.ok)) expect(a.reason, a.name).toMatch(/\w/)
    for (const name of ['dml', 'coreml'] as const) {
      if (!builtIn.has(name)) expect(report.attempts.find((a) => a.name === name)).toMatchObject({ skipped: true, reason: expect.stringContaining('not included in onnxruntime-node') })
    }
    await session.release()
  })

  it('uses only the providers asked for, CPU last', async () => {
    const { session, report } = await createSessionWithFallback({ model, providers: ['cpu'], threads: 1 })
    expect(report.used).toBe('cpu')
    expect(report.attempts.filter((a) => a.reason === 'not requested').map((a) => a.name)).toEqual(['cuda', 'webgpu', 'dml', 'coreml'])
    await session.release()
  })

  it.runIf(builtIn.has('cuda') && missingCudaProviderFiles().length > 0)('says "CUDA GPU found but the CUDA provider is not installed" when that is the case', async () => {
    const { session, report } = await createSessionWithFallback({ model, providers: ['cuda', 'cpu'], threads: 1, detectGpu: async () => ({ description: 'NVIDIA Test GPU' }) })
    expect(report.used).toBe('cpu')
    expect(report.notice).toBe('CUDA GPU found (NVIDIA Test GPU) but the CUDA provider is not installed: run `npm run setup:cuda`.')
    expect(report.attempts.find((a) => a.name === 'cuda')).toMatchObject({ ok: false, skipped: true, reason: report.notice })
    await session.release()
  })

  it.runIf(builtIn.has('cuda') && missingCudaProviderFiles().length > 0)('does not mention a GPU when there is none', async () => {
    const { session, report } = await createSessionWithFallback({ model, providers: ['cuda', 'cpu'], threads: 1, detectGpu: async () => undefined })
    expect(report.notice).toBeUndefined()
    expect(report.attempts.find((a) => a.name === 'cuda')?.reason).toBe('CUDA provider not installed (and no NVIDIA GPU found)')
    await session.release()
  })
})
