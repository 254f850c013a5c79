#!/usr/bin/env node
// `npm run bench [filter]`: runs the TypeScript benchmark files through tsx.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
const root = resolve(import.meta.dirname, '..', '..')
const r = spawnSync('npx', ['tsx', 'test/bench/main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
