#!/usr/bin/env node
// The `openbeats-studio` command (bin of package.json → out/main/cli.js).
import { join } from 'node:path'
import { runCli } from './run-cli'

const interrupt = new AbortController()
process.once('SIGINT', () => interrupt.abort())

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, { workersDir: join(__dirname, 'workers'), signal: interrupt.signal })
  .then((code) => {
    process.exitCode = code
  })
  .catch((err: unknown) => {
    process.stderr.write(`error INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  })
