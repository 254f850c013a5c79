// Execution-provider selection: try the GPU providers in order, fall back to the CPU, and keep a
// structured record of why each provider was used, skipped or failed, for the UI and the CLI.
import * as ort from 'onnxruntime-node'
import { AppError, throwIfAborted } from '../../errors'
import { cudaProviderAvailableForPlatform, detectNvidiaGpu, missingCudaProviderFiles, ortVersion, type NvidiaGpu } from './cuda-provider'

export type ProviderName = 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'cpu'

export const PROVIDER_ORDER: readonly ProviderName[] = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu']

export interface ProviderAttempt {
  name: ProviderName
  ok: boolean
  /** Why it was skipped or failed (absent for the one used). */
  reason?: string
  /** true when it was not tried at all (not built in, files missing, not requested). */
  skipped?: boolean
}

export interface ProviderReport {
  used: ProviderName
  attempts: ProviderAttempt[]
  /** A sentence worth showing prominently, e.g. "CUDA GPU found but the CUDA provider is not installed". */
  notice?: string
}

export interface SessionRequest {
  model: string | Uint8Array
  threads?: number
  /** Providers to try, in order (default PROVIDER_ORDER). The CPU is always the last resort. */
  providers?: readonly ProviderName[]
  /** Let idle ORT threads spin (faster per call, but burns CPU other work could use). */
  spinning?: boolean
  signal?: AbortSignal
  /** Runs the freshly created session once; a GPU provider that cannot run the model falls through. */
  validate?: (session: ort.InferenceSession) => Promise<void>
  /** How to look for an NVIDIA GPU (default: nvidia-smi, then /proc/driver/nvidia). */
  detectGpu?: () => Promise<NvidiaGpu | undefined>
}

function baseOptions(req: SessionRequest): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(req.threads ? { intraOpNumThreads: req.threads } : {}),
    logSeverityLevel: 3,
    extra: { session: { 'intra_op.allow_spinning': req.spinning === false ? '0' : '1' } },
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 400)

/** Creates an inference session on the first provider that works; never silently. */
export async function createSessionWithFallback(req: SessionRequest): Promise<{ session: ort.InferenceSession; report: ProviderReport }> {
  const wanted = req.providers ?? PROVIDER_ORDER
  const order = [...PROVIDER_ORDER.filter((p) => p !== 'cpu' && wanted.includes(p)), 'cpu' as const]
  const supported = new Set(ort.listSupportedBackends().map((b) => b.name))
  const platform = `${process.platform}/${process.arch}`
  const attempts: ProviderAttempt[] = []
  const detectGpu = req.detectGpu ?? detectNvidiaGpu
  let notice: string | undefined

  for (const name of PROVIDER_ORDER) {
    if (!order.includes(name)) attempts.push({ name, ok: false, skipped: true, reason: 'not requested' })
  }

  for (const name of order) {
    throwIfAborted(req.signal)
    if (name !== 'cpu' && !supported.has(name)) {
      attempts.push({ name, ok: false, skipped: true, reason: `not included in onnxruntime-node ${ortVersion()} for ${platform}` })
      continue
    }
    if (name === 'cuda') {
      const missing = cudaProviderAvailableForPlatform() ? missingCudaProviderFiles() : []
      if (missing.length > 0) {
        const gpu = await detectGpu()
        if (gpu) notice = `CUDA GPU found (${gpu.description}) but the CUDA provider is not installed: run \`npm run setup:cuda\`.`
        attempts.push({
          name,
          ok: false,
          skipped: true,
          reason: gpu ? notice : 'CUDA provider not installed (and no NVIDIA GPU found)',
        })
        continue
      }
    }
    try {
      const options = { ...baseOptions(req), executionProviders: [name] }
      const session = typeof req.model === 'string' ? await ort.InferenceSession.create(req.model, options) : await ort.InferenceSession.create(req.model, options)
      try {
        if (name !== 'cpu' && req.validate) await req.validate(session)
      } catch (err) {
        await session.release()
        throw err
      }
      attempts.push({ name, ok: true })
      return { session, report: { used: name, attempts: sortAttempts(attempts), ...(notice ? { notice } : {}) } }
    } catch (err) {
      const reason = message(err)
      if (name === 'cuda' && !notice) {
        const gpu = await detectGpu()
        if (gpu) notice = `CUDA GPU found (${gpu.description}) but the CUDA provider failed to load: ${reason} (it needs the CUDA 12 runtime and cuDNN 9).`
      }
      attempts.push({ name, ok: false, reason })
      // The CPU provider is always there, so a failure on it is the model's fault.
      if (name === 'cpu') throw new AppError('MODEL_INVALID', `onnxruntime cannot load the model: ${reason}`, { attempts: sortAttempts(attempts) })
    }
  }
  throw new AppError('ENGINE_UNAVAILABLE', 'no execution provider could be tried', { attempts: sortAttempts(attempts) })
}

function sortAttempts(attempts: ProviderAttempt[]): ProviderAttempt[] {
  return [...attempts].sort((a, b) => PROVIDER_ORDER.indexOf(a.name) - PROVIDER_ORDER.indexOf(b.name))
}
