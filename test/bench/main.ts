// Loads every *.bench.ts in this folder (or those whose name contains argv[2]) and prints tables.
import { readdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { formatTable, type BenchFile, type BenchResult } from './harness'

async function main(): Promise<void> {
  const filter = process.argv[2]
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !filter || f.includes(filter))
    .sort()
  console.log(`# OpenBEATs Studio benchmarks\n\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString()}\n`)
  if (files.length === 0) console.log('(no benchmarks registered)')
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(__dirname, f)).href)) as { default: BenchFile }
    const groups = await mod.default()
    for (const g of groups) {
      const results: BenchResult[] = []
      for (const c of g.cases) {
        try {
          results.push(await c.run())
        } catch (err) {
          results.push({ value: Number.NaN, unit: '', note: `failed: ${err instanceof Error ? err.message : String(err)}` })
        }
      }
      console.log(formatTable(g, results))
    }
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
