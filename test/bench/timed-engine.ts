// The encoder engine of a bench, counting the milliseconds spent inside its runs: encoder-busy /
// wall is the whole-path to encoder-only ratio under the machine's load of that very run.
import type { EncoderEngine } from '../../src-main/model/engine/encoder-engine'

export function timedEngine(engine: EncoderEngine, addMs: (ms: number) => void): EncoderEngine {
  return {
    ...engine,
    provider: engine.provider,
    run: async (...args) => {
      const t0 = performance.now()
      try {
        return await engine.run(...args)
      } finally {
        addMs(performance.now() - t0)
      }
    },
  }
}
