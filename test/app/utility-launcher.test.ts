import { PassThrough } from 'node:stream'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../helpers/main-services'

const electron = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events')
  class FakeUtility extends EventEmitter {
    pid = 4242
    stdout = null as unknown
    stderr = null as unknown
    posted: unknown[] = []
    killed = 0
    postMessage(m: unknown) {
      this.posted.push(m)
    }
    kill() {
      this.killed += 1
      return true
    }
  }
  return { FakeUtility, forks: [] as Array<{ file: string; args: string[]; options: Record<string, unknown>; child: FakeUtility }> }
})

vi.mock('electron', () => ({
  utilityProcess: {
    fork: (file: string, args: string[], options: Record<string, unknown>) => {
      const child = new electron.FakeUtility()
      child.stdout = new PassThrough()
      child.stderr = new PassThrough()
      electron.forks.push({ file, args, options, child })
      return child
    },
  },
}))

const { createUtilityLauncher } = await import('../../src-main/app/utility-launcher')

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

describe('utilityProcess launcher', () => {
  it('forks the bundled worker with piped output and speaks the WorkerProcess interface', async () => {
    const d = tempDir()
    dirs.push(d)
    writeFileSync(join(d.path, 'scan-folder.js'), '')
    const proc = createUtilityLauncher(d.path).launch('scan-folder')
    const { file, options, child } = electron.forks[0]
    expect(file).toBe(join(d.path, 'scan-folder.js'))
    expect(options).toMatchObject({ stdio: 'pipe' })
    expect(proc.pid).toBe(4242)

    const messages: unknown[] = []
    const output: string[] = []
    const exits: unknown[] = []
    proc.onMessage((m) => messages.push(m))
    proc.onOutput((stream, chunk) => output.push(`${stream}:${chunk}`))
    proc.onExit((e) => exits.push(e))
    proc.send({ t: 'cancel' })
    expect(child.posted).toEqual([{ t: 'cancel' }])
    child.emit('message', { t: 'ready', protocol: 1, worker: 'scan-folder', pid: 4242 })
    ;(child.stderr as PassThrough).write('oops\n')
    await new Promise((r) => setImmediate(r))
    proc.kill('SIGTERM')
    expect(child.killed).toBe(1)
    child.emit('exit', 3)
    proc.send({ t: 'cancel' })
    expect(child.posted).toHaveLength(1)
    expect(messages).toEqual([{ t: 'ready', protocol: 1, worker: 'scan-folder', pid: 4242 }])
    expect(output).toEqual(['stderr:oops\n'])
    expect(exits).toEqual([{ code: 3, signal: null }])
  })

  it('refuses invalid worker names and missing bundles', () => {
    const d = tempDir()
    dirs.push(d)
    const launcher = createUtilityLauncher(d.path)
    expect(() => launcher.launch('../../etc/evil')).toThrow('invalid worker name')
    expect(() => launcher.launch('absent')).toThrow(/worker absent cannot start: .*absent\.js does not exist/)
  })
})
