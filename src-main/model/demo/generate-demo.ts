// `npx tsx src-main/model/demo/generate-demo.ts OUT_DIR [--base] [--int8]`: writes the demo model
// package (or a Base-size random model) to OUT_DIR, replacing what is there.
import { resolve } from 'node:path'
import { OPENBEATS_BASE } from './architectures'
import { writeRandomModel } from './demo-model'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const out = args.find((a) => !a.startsWith('--'))
  if (!out) {
    console.error('usage: generate-demo.ts OUT_DIR [--base] [--int8]')
    process.exit(2)
  }
  const base = args.includes('--base')
  const manifest = await writeRandomModel(resolve(out), {
    ...(base ? { architecture: OPENBEATS_BASE, name: 'OpenBEATs-Base-size random model (benchmarks)' } : {}),
    quantization: args.includes('--int8') ? 'int8' : 'none',
    replace: true,
  })
  console.log(`${manifest.name}: ${resolve(out)} (${(manifest.onnxBytes / 1e6).toFixed(1)} MB, sha256 ${manifest.onnxSha256.slice(0, 12)}…)`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
