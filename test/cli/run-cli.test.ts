import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { latestSchemaVersion } from '../../src-main/db/migrate'
import { JobSnapshot } from '../../src-shared/contracts'
import type { CliCommand } from '../../src-main/cli/command'
import { runCli } from '../../src-main/cli/run-cli'
import { tempDir } from '../helpers/main-services'
import { CapturedStream } from './captured-stream'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

async function cli(argv: string[], commands?: readonly CliCommand[]) {
  const d = tempDir()
  dirs.push(d)
  const stdout = new CapturedStream()
  const stderr = new CapturedStream()
  const code = await runCli(argv, { stdout, stderr, env: { OPENBEATS_DATA_DIR: join(d.path, 'data') } }, { commands })
  return { code, stdout: stdout.text, stderr: stderr.text, dir: d.path }
}

describe('openbeats-studio CLI', () => {
  it('init creates a project; jobs --json lists its (empty) jobs', async () => {
    const d = tempDir()
    dirs.push(d)
    const project = join(d.path, 'season')
    const init = await cli(['init', project, '--name', 'Season 26'])
    expect(init).toMatchObject({ code: 0, stderr: '' })
    expect(init.stdout).toBe(`Created project "Season 26" in ${project} (schema version ${latestSchemaVersion()})\n`)
    expect(existsSync(join(project, 'project.sqlite'))).toBe(true)
    // init leaves the project closed and unlocked.
    expect(existsSync(join(project, 'project.lock'))).toBe(false)
    const jobs = await cli(['jobs', project, '--json'])
    expect(jobs).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(jobs.stdout)).toEqual([])
    expect((await cli(['jobs', project])).stdout).toBe('No jobs yet.\n')
  })

  it('prints `error CODE: message` on stderr and exits 1 when a command fails', async () => {
    const d = tempDir()
    dirs.push(d)
    const project = join(d.path, 'p')
    await cli(['init', project])
    const again = await cli(['init', project])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(`error PROJECT_EXISTS: ${project} is already an OpenBEATs project; open it instead\n`)
    const missing = await cli(['jobs', join(d.path, 'nothing-here')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error PROJECT_NOT_FOUND: cannot open project database /)
  })

  it('exits 2 with usage for unknown commands, options and wrong argument counts', async () => {
    const unknown = await cli(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^error INVALID_REQUEST: unknown command "frobnicate"\n/)
    expect(unknown.stderr).toContain('Commands:\n  init')
    const badOption = await cli(['jobs', '/x', '--colour'])
    expect(badOption.code).toBe(2)
    expect(badOption.stderr).toMatch(/^error INVALID_REQUEST: Unknown option '--colour'/)
    expect((await cli(['jobs'])).stderr).toMatch(/^error INVALID_REQUEST: jobs takes 1 argument\(s\), got 0/)
    expect((await cli(['jobs', '/a', '--limit', 'many'])).code).toBe(2)
    expect((await cli([])).code).toBe(2)
  })

  it('help lists every command; COMMAND --help shows its usage', async () => {
    const help = await cli(['help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^OpenBEATs Studio \d+\.\d+\.\d+ — command line/)
    expect(help.stdout).toMatch(/^ {2}jobs +list a project/m)
    expect((await cli(['init', '--help'])).stdout).toMatch(/^Usage: openbeats-studio init PROJECT \[--name NAME\] \[--json\]/)
  })

  it('a new command is one object: it gets parsed options and positionals', async () => {
    const echo: CliCommand = {
      name: 'echo',
      summary: 'repeat',
      usage: 'WORD [--twice]',
      options: { twice: { type: 'boolean' } },
      positionals: { min: 1, max: 1 },
      async run(ctx) {
        ctx.io.stdout.write(`${ctx.positionals[0]}${ctx.values.twice ? ctx.positionals[0] : ''}\n`)
        return 3
      },
    }
    expect(await cli(['echo', 'hi', '--twice'], [echo])).toMatchObject({ code: 3, stdout: 'hihi\n' })
  })

  const built = resolve(__dirname, '..', '..', 'out', 'main', 'cli.js')
  it.skipIf(!existsSync(built))('the built bin runs init and jobs --json (skipped before `electron-vite build`)', () => {
    const d = tempDir()
    dirs.push(d)
    const env = { ...process.env, OPENBEATS_DATA_DIR: join(d.path, 'data') }
    const init = spawnSync(process.execPath, [built, 'init', join(d.path, 'x')], { env, encoding: 'utf8' })
    expect(init.status).toBe(0)
    const jobs = spawnSync(process.execPath, [built, 'jobs', join(d.path, 'x'), '--json'], { env, encoding: 'utf8' })
    expect(jobs.status).toBe(0)
    expect(JobSnapshot.array().parse(JSON.parse(jobs.stdout))).toEqual([])
  })
})
