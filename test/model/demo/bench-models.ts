// Base-size random model packages for the benchmarks, built once and cached under the OS temp
// folder. The cache key hashes the graph-builder and weight-generator sources, so a change to
// either rebuilds the model instead of timing a stale one.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { OPENBEATS_BASE } from '../../../src-main/model/demo/architectures'
import { writeRandomModel } from '../../../src-main/model/demo/demo-model'
import type { Quantization } from '../../../src-main/model/onnx/encoder-graph'

const SOURCES = [resolve(__dirname, '../../../src-main/model/onnx'), resolve(__dirname, '../../../src-main/model/demo/random-weights.ts')]

function sourceHash(): string {
  const h = createHash('sha256')
  for (const s of SOURCES) {
    const files = s.endsWith('.ts') ? [s] : readdirSync(s).filter((f) => f.endsWith('.ts')).sort().map((f) => join(s, f))
    for (const f of files) h.update(readFileSync(f))
  }
  return h.digest('hex').slice(0, 16)
}

/** Directory of a Base-size random model package (seed 1), generated on first use. */
export async function baseModelDir(quantization: Quantization): Promise<string> {
  const dir = join(tmpdir(), 'openbeats-bench-models', `base-${quantization}-${sourceHash()}`)
  if (!existsSync(join(dir, 'manifest.json'))) {
    await writeRandomModel(dir, { architecture: OPENBEATS_BASE, seed: 1, quantization, name: `Base-size random (${quantization})`, replace: true })
  }
  return dir
}
