import { describe, expect, it, vi } from 'vitest'
import { contract, type ContractHandlers } from '../../src-shared/contracts'
import { AppError } from '../../src-main/errors'
import { createRouter, type MainCallContext } from '../../src-main/ipc/router'
import { createMemoryLogger } from '../../src-main/runtime/logger'

const projectInfo = { dir: '/p', name: 'P', schemaVersion: 1, createdAt: '2026-01-01T00:00:00Z', counts: { recordings: 0, annotations: 0, detections: 0, models: 0, jobs: 0 } }

function fakeHandlers() {
  const calls: string[] = []
  const spy = <T>(name: string, value: T) => vi.fn(async () => {
    calls.push(name)
    return value
  })
  const handlers = {
    app: { info: spy('app.info', { name: 'x', version: '1', platform: 'linux', shell: 'host', capabilities: { nativeDialogs: false }, dataDir: '/d' }) },
    settings: { get: spy('settings.get', { theme: 'system', inferenceThreads: null, executionProvider: 'auto', pythonPath: null }), update: spy('settings.update', { theme: 'dark', inferenceThreads: null, executionProvider: 'auto', pythonPath: null }) },
    system: { pickFolder: spy('system.pickFolder', null), listDir: spy('system.listDir', { path: '/', parent: null, entries: [] }) },
    projects: {
      create: spy('projects.create', projectInfo),
      open: spy('projects.open', projectInfo),
      close: spy('projects.close', null),
      current: spy('projects.current', null),
      recent: spy('projects.recent', []),
      forgetRecent: spy('projects.forgetRecent', null),
    },
    jobs: {
      list: spy('jobs.list', []),
      get: spy('jobs.get', null),
      start: spy('jobs.start', null),
      cancel: spy('jobs.cancel', null),
      resume: spy('jobs.resume', null),
      logs: spy('jobs.logs', []),
    },
  }
  // Domains added to the contract later get spies too, so every method has a handler.
  const all: Record<string, Record<string, unknown>> = { ...handlers }
  for (const [domain, methods] of Object.entries(contract)) {
    all[domain] ??= {}
    for (const m of Object.keys(methods)) all[domain][m] ??= spy(`${domain}.${m}`, null)
  }
  return { handlers: all as unknown as ContractHandlers<MainCallContext>, calls }
}

let callCounter = 0
const opts = () => ({ callId: `c${++callCounter}`, transport: 'test' as const })

describe('router', () => {
  it('calls the handler with the parsed request and wraps the value', async () => {
    const { handlers, calls } = fakeHandlers()
    const router = createRouter(handlers, { log: createMemoryLogger(), checkResponses: true })
    const r = await router.dispatch('projects.open', { dir: '/data/season' }, opts())
    expect(r).toEqual({ ok: true, value: projectInfo })
    expect(calls).toEqual(['projects.open'])
  })

  it('answers NOT_FOUND for methods outside the contract, including prototype names', async () => {
    const { handlers, calls } = fakeHandlers()
    const router = createRouter(handlers, { log: createMemoryLogger() })
    for (const m of ['projects.delete', 'nope', '', '__proto__.x', 'constructor', 'projects.constructor', 'toString', 'projects.__proto__']) {
      const r = await router.dispatch(m, {}, opts())
      expect(r.ok ? null : r.error.code, m).toBe('NOT_FOUND')
    }
    expect(calls).toEqual([])
  })

  const pollutedProto = JSON.parse('{"dir":"/x","__proto__":{"polluted":true}}') as unknown
  const pollutedNested = JSON.parse('{"params":{"type":"scan-folder","folder":"/x","__proto__":{"a":1}}}') as unknown
  const deep: Record<string, unknown> = {}
  let cursor = deep
  for (let i = 0; i < 40; i++) {
    const next: Record<string, unknown> = {}
    cursor.a = next
    cursor = next
  }
  const cyclic: Record<string, unknown> = { dir: '/x' }
  cyclic.self = cyclic

  const malformed: Array<[string, string, unknown]> = [
    ['wrong type for dir', 'projects.open', { dir: 42 }],
    ['missing dir', 'projects.open', {}],
    ['empty dir', 'projects.open', { dir: '' }],
    ['extra key', 'projects.open', { dir: '/x', extra: true }],
    ['huge string (2 MB)', 'projects.open', { dir: 'a'.repeat(2_000_000) }],
    ['string over the schema bound', 'projects.create', { dir: '/x', name: 'n'.repeat(201) }],
    ['null payload', 'projects.open', null],
    ['array payload', 'projects.open', ['/x']],
    ['string payload', 'projects.open', '/x'],
    ['number payload', 'jobs.get', 7],
    ['undefined payload', 'projects.open', undefined],
    ['__proto__ key', 'projects.open', pollutedProto],
    ['nested __proto__ key', 'jobs.start', pollutedNested],
    ['constructor key', 'projects.open', { dir: '/x', constructor: { prototype: {} } }],
    ['nested junk', 'jobs.start', { params: { type: 'scan-folder', folder: { nested: [1, [2, [3]]] } } }],
    ['unknown job type', 'jobs.start', { params: { type: 'format-disk', folder: '/' } }],
    ['negative id', 'jobs.get', { id: -1 }],
    ['fractional id', 'jobs.cancel', { id: 1.5 }],
    ['id as string', 'jobs.get', { id: '1' }],
    ['NaN limit', 'jobs.list', { limit: Number.NaN }],
    ['Infinity id', 'jobs.get', { id: Number.POSITIVE_INFINITY }],
    ['limit out of range', 'jobs.list', { limit: 1_000_000 }],
    ['unknown status filter', 'jobs.list', { status: ['exploded'] }],
    ['bad enum in settings', 'settings.update', { theme: 'neon' }],
    ['settings field of the wrong type', 'settings.update', { inferenceThreads: 'many' }],
    ['extra key in an empty request', 'app.info', { hello: 1 }],
    ['nested 40 levels deep', 'projects.open', deep],
    ['cyclic object', 'projects.open', cyclic],
    ['function value', 'projects.open', { dir: () => '/x' }],
    ['Date object', 'projects.open', { dir: new Date(0) }],
    ['Map object', 'projects.open', new Map([['dir', '/x']])],
    ['bigint', 'jobs.get', { id: 1n }],
  ]

  it(`rejects ${malformed.length} malformed payloads with INVALID_REQUEST and never runs the handler`, async () => {
    const { handlers, calls } = fakeHandlers()
    const log = createMemoryLogger()
    const router = createRouter(handlers, { log })
    for (const [why, method, payload] of malformed) {
      const r = await router.dispatch(method, payload, opts())
      expect(r.ok, why).toBe(false)
      if (!r.ok) {
        expect(r.error.code, why).toBe('INVALID_REQUEST')
        expect(r.error.message.length, why).toBeGreaterThan(0)
      }
    }
    expect(calls).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // Every rejection is logged.
    expect(log.records.filter((r) => r.message === 'rejected call')).toHaveLength(malformed.length)
  })

  it("puts zod's message for the offending field in the error", async () => {
    const { handlers } = fakeHandlers()
    const router = createRouter(handlers, { log: createMemoryLogger() })
    const r = await router.dispatch('projects.open', { dir: 42 }, opts())
    expect(r).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: 'invalid request for projects.open: dir: Invalid input: expected string, received number' } })
  })

  it('refuses payloads above the size limit even when the schema would accept them', async () => {
    const { handlers, calls } = fakeHandlers()
    const router = createRouter(handlers, { log: createMemoryLogger(), maxPayloadBytes: 100 })
    const r = await router.dispatch('projects.open', { dir: '/' + 'a'.repeat(200) }, opts())
    expect(r.ok ? '' : r.error.message).toMatch(/more than the limit of 100/)
    expect(calls).toEqual([])
  })

  it('serialises AppErrors with code, message and details, and unknown errors as INTERNAL', async () => {
    const { handlers } = fakeHandlers()
    handlers.projects.open = async () => {
      throw new AppError('PROJECT_NOT_FOUND', '/x is not a project', { dir: '/x' })
    }
    handlers.projects.current = async () => {
      throw new TypeError('boom')
    }
    const router = createRouter(handlers, { log: createMemoryLogger() })
    expect(await router.dispatch('projects.open', { dir: '/x' }, opts())).toEqual({ ok: false, error: { code: 'PROJECT_NOT_FOUND', message: '/x is not a project', details: { dir: '/x' } } })
    expect(await router.dispatch('projects.current', {}, opts())).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
  })

  it('with checkResponses, a response that breaks the contract becomes INTERNAL', async () => {
    const { handlers } = fakeHandlers()
    handlers.projects.recent = (async () => [{ dir: 5 }]) as unknown as typeof handlers.projects.recent
    const strict = createRouter(handlers, { log: createMemoryLogger(), checkResponses: true })
    const r = await strict.dispatch('projects.recent', {}, opts())
    expect(r.ok ? '' : r.error.code).toBe('INTERNAL')
    expect(r.ok ? '' : r.error.message).toMatch(/^response of projects.recent does not match the contract: 0.dir/)
    const lax = createRouter(handlers, { log: createMemoryLogger(), checkResponses: false })
    expect((await lax.dispatch('projects.recent', {}, opts())).ok).toBe(true)
  })

  it('cancel(callId) aborts the signal the handler got', async () => {
    const { handlers } = fakeHandlers()
    let seen: AbortSignal | null = null
    handlers.system.listDir = (_req, ctx) =>
      new Promise((_resolve, reject) => {
        seen = ctx.signal
        ctx.signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'cancelled')))
      })
    const router = createRouter(handlers, { log: createMemoryLogger() })
    const pending = router.dispatch('system.listDir', {}, { callId: 'slow', transport: 'test' })
    expect(router.inFlight()).toBe(1)
    expect(router.cancel('slow')).toBe(true)
    expect(await pending).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } })
    expect((seen as AbortSignal | null)?.aborted).toBe(true)
    expect(router.inFlight()).toBe(0)
    expect(router.cancel('slow')).toBe(false)
  })

  it('an outer signal (connection closed) cancels the call too, and call ids cannot be reused while in flight', async () => {
    const { handlers } = fakeHandlers()
    handlers.system.listDir = (_req, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'gone'))))
    const router = createRouter(handlers, { log: createMemoryLogger() })
    const outer = new AbortController()
    const first = router.dispatch('system.listDir', {}, { callId: 'same', transport: 'host', signal: outer.signal })
    const second = await router.dispatch('app.info', {}, { callId: 'same', transport: 'host' })
    expect(second.ok ? '' : second.error.code).toBe('INVALID_REQUEST')
    outer.abort()
    expect((await first).ok).toBe(false)
  })

  it('refuses to build when a contract method has no handler', () => {
    const { handlers } = fakeHandlers()
    const broken = { ...handlers, jobs: { ...handlers.jobs, logs: undefined } } as unknown as ContractHandlers<MainCallContext>
    expect(() => createRouter(broken, { log: createMemoryLogger() })).toThrow('no handler for contract method jobs.logs')
  })
})
