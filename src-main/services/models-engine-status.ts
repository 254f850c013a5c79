// What the inference engine would run on here: the provider it gets (and why the others were not
// used), with the threads from the settings. Creating a session costs about a second, so the
// answer is kept per (provider setting, threads) until either changes. The probe uses a tiny
// generated encoder, so it works before any model is imported.
import type { EngineStatus, Settings } from '../../src-shared/contracts'
import { defaultInferenceThreads } from '../analysis/inference-threads'
import type { ProviderName } from '../model/engine/providers'
import { randomEncoderWeights } from '../model/demo/random-weights'
import { buildEncoderGraph } from '../model/onnx/encoder-graph'
import type { BeatsArchitecture } from '../model/types'

const PROBE_ARCHITECTURE: BeatsArchitecture = {
  inputPatchSize: 16,
  embedDim: 8,
  convBias: false,
  layers: 1,
  dim: 16,
  ffnDim: 32,
  heads: 2,
  convPos: 16,
  convPosGroups: 4,
  layerNormFirst: false,
  deepNorm: true,
  relativePositionEmbedding: true,
  numBuckets: 32,
  maxDistance: 64,
  gruRelPos: true,
}

export interface EngineProbe {
  status(settings: Settings): Promise<EngineStatus>
}

export function createEngineProbe(): EngineProbe {
  const cache = new Map<string, Promise<EngineStatus>>()
  let graph: Uint8Array | undefined

  async function probe(provider: Settings['executionProvider'], threads: number): Promise<EngineStatus> {
    const { createEncoderEngine } = await import('../model/engine/encoder-engine')
    graph ??= buildEncoderGraph(PROBE_ARCHITECTURE, randomEncoderWeights(PROBE_ARCHITECTURE, 7)).bytes
    const providers: readonly ProviderName[] | undefined = provider === 'auto' ? undefined : [provider]
    const engine = await createEncoderEngine({ modelBytes: graph }, { threads, providers })
    try {
      const report = engine.provider
      const notes = report.notice ? [report.notice] : []
      if (provider !== 'auto' && report.used !== provider) notes.push(`The ${provider} provider was asked for in the settings but could not be used; inference runs on ${report.used}.`)
      return {
        provider: report.used,
        attempts: report.attempts.map((a) => ({ name: a.name, ok: a.ok, reason: a.reason ?? null })),
        notes,
        threads,
      }
    } finally {
      await engine.dispose()
    }
  }

  return {
    status(settings) {
      const threads = settings.inferenceThreads ?? defaultInferenceThreads()
      const key = `${settings.executionProvider}|${threads}`
      let answer = cache.get(key)
      if (!answer) {
        answer = probe(settings.executionProvider, threads)
        // A failed probe is not remembered: the next call tries again.
        answer.catch(() => cache.delete(key))
        cache.set(key, answer)
      }
      return answer
    },
  }
}
