#!/usr/bin/env node
// `npm test`: builds the app when the sources are newer than the build, runs every vitest suite
// (unit, integration, e2e) and the Python trainer's pytest suite, then prints one summary line
// `N passed, N failed, N skipped` — the line CI reads.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const results = join(root, 'test-results')
mkdirSync(results, { recursive: true })
const passthrough = process.argv.slice(2)
// A full run starts with no screenshots, so every one in test-results/screenshots is from this run.
if (passthrough.length === 0) rmSync(join(results, 'screenshots'), { recursive: true, force: true })

function newestMtime(dir) {
  let newest = 0
  if (!existsSync(dir)) return newest
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p))
    else newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts })
  return r.status ?? 1
}

// 1. Build when needed (the e2e suite and the CLI tests use the built app).
const srcNewest = Math.max(
  ...['src-main', 'src-renderer', 'src-shared'].map((d) => newestMtime(join(root, d))),
  statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
)
const builtMarker = join(root, 'out', 'main', 'cli.js')
if (!existsSync(builtMarker) || statSync(builtMarker).mtimeMs < srcNewest) {
  console.log('[test] building the app (electron-vite build)…')
  if (run('npx', ['electron-vite', 'build']) !== 0) {
    console.log('0 passed, 1 failed')
    process.exit(1)
  }
}

let passed = 0
let failed = 0
let skipped = 0

// 2. vitest: unit + integration + e2e.
const vitestJson = join(results, 'vitest.json')
const vitestCode = run('npx', [
  'vitest', 'run', '--config', 'test/vitest.config.mts',
  '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`,
  ...passthrough,
])
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  // A suite that failed to load has no tests but is still a failure.
  failed += (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
  // Unhandled errors (e.g. a stream that fails after its test ended) fail the run without failing a
  // test: count them so the summary line never reads clean when vitest did not.
  if (vitestCode !== 0 && failed === 0) {
    console.log('[test] vitest exited with an error outside the tests (see "Unhandled Errors" above): counted as one failure')
    failed += 1
  }
} else if (vitestCode !== 0) {
  failed += 1
}

// 3. pytest for the trainer, when this machine has python3 with torch.
const trainer = join(root, 'resources', 'trainer')
if (passthrough.length === 0 && existsSync(join(trainer, 'tests'))) {
  // Prefer the system interpreter (Debian's python3-torch lives there); a pyenv/venv python3 on
  // PATH usually lacks torch. OPENBEATS_PYTHON overrides both.
  const python = process.env.OPENBEATS_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
  const probe = spawnSync(python, ['-c', 'import torch, numpy, pytest'], { stdio: 'ignore' })
  if (probe.status !== 0) {
    console.log('[test] skipping the Python trainer tests: python3 with torch, numpy and pytest is not installed (see README)')
  } else {
    const junit = join(results, 'pytest.xml')
    run(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests', `--junitxml=${junit}`], { cwd: trainer })
    if (existsSync(junit)) {
      const xml = readFileSync(junit, 'utf8')
      const m = xml.match(/<testsuite [^>]*>/)
      if (m) {
        const attr = (n) => Number((m[0].match(new RegExp(`${n}="(\\d+)"`)) ?? [])[1] ?? 0)
        const total = attr('tests')
        const f = attr('failures') + attr('errors')
        const s = attr('skipped')
        passed += total - f - s
        failed += f
        skipped += s
      }
    } else {
      failed += 1
    }
  }
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
