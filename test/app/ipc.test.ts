import { beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC_CANCEL_CHANNEL, ipcCallChannel, methodIds, type CallResult } from '../../src-shared/contracts'
import type { Router } from '../../src-main/ipc/router'
import { createMemoryLogger } from '../../src-main/runtime/logger'

type Handler = (event: unknown, ...args: unknown[]) => unknown
const ipc = vi.hoisted(() => ({ handlers: new Map<string, Handler>(), listeners: new Map<string, Handler>() }))

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, h: Handler) => {
      if (ipc.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      ipc.handlers.set(channel, h)
    },
    removeHandler: (channel: string) => ipc.handlers.delete(channel),
    on: (channel: string, h: Handler) => ipc.listeners.set(channel, h),
    removeListener: (channel: string) => ipc.listeners.delete(channel),
  },
}))

const { registerIpc } = await import('../../src-main/app/ipc')

function fakeRouter() {
  const dispatched: Array<{ method: string; payload: unknown; callId: string; transport: string }> = []
  const cancelled: string[] = []
  const router: Router = {
    dispatch: async (method, payload, o) => {
      dispatched.push({ method, payload, callId: o.callId, transport: o.transport })
      return { ok: true, value: 'done' }
    },
    cancel: (id) => {
      cancelled.push(id)
      return true
    },
    inFlight: () => 0,
  }
  return { router, dispatched, cancelled }
}

const trustedEvent = { sender: { id: 3 }, senderFrame: { url: 'file:///app/index.html' }, trusted: true }
const foreignEvent = { sender: { id: 9 }, senderFrame: { url: 'https://evil.example' }, trusted: false }
const isTrustedSender = (e: unknown) => (e as { trusted: boolean }).trusted

describe('Electron IPC', () => {
  beforeEach(() => {
    ipc.handlers.clear()
    ipc.listeners.clear()
  })

  it('registers exactly one handler per contract method and nothing generic', () => {
    const { router } = fakeRouter()
    registerIpc({ router, isTrustedSender, log: createMemoryLogger() })
    expect([...ipc.handlers.keys()].sort()).toEqual(methodIds().map(ipcCallChannel).sort())
    expect([...ipc.listeners.keys()]).toEqual([IPC_CANCEL_CHANNEL])
  })

  it('dispatches a trusted call with a sender-scoped call id', async () => {
    const { router, dispatched } = fakeRouter()
    registerIpc({ router, isTrustedSender, log: createMemoryLogger() })
    const r = await ipc.handlers.get(ipcCallChannel('projects.open'))?.(trustedEvent, { callId: 'k1', payload: { dir: '/p' } })
    expect(r).toEqual({ ok: true, value: 'done' })
    expect(dispatched).toEqual([{ method: 'projects.open', payload: { dir: '/p' }, callId: '3:k1', transport: 'ipc' }])
  })

  it('refuses untrusted senders and malformed envelopes without dispatching', async () => {
    const { router, dispatched } = fakeRouter()
    const log = createMemoryLogger()
    registerIpc({ router, isTrustedSender, log })
    const handler = ipc.handlers.get(ipcCallChannel('jobs.start')) as Handler
    expect(((await handler(foreignEvent, { callId: 'x', payload: {} })) as CallResult).ok).toBe(false)
    expect(await handler(foreignEvent, { callId: 'x', payload: {} })).toMatchObject({ error: { code: 'UNAUTHORIZED' } })
    for (const bad of [null, 'call', { payload: {} }, { callId: 5, payload: {} }, { callId: 'a', payload: {}, extra: 1 }, { callId: 'y'.repeat(65), payload: {} }]) {
      expect(await handler(trustedEvent, bad)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
    expect(dispatched).toEqual([])
    expect(log.records.filter((r) => r.level === 'warn')).toHaveLength(8)
  })

  it('cancels only for trusted senders, scoped to the sender', () => {
    const { router, cancelled } = fakeRouter()
    registerIpc({ router, isTrustedSender, log: createMemoryLogger() })
    const onCancel = ipc.listeners.get(IPC_CANCEL_CHANNEL) as Handler
    onCancel(trustedEvent, 'k1')
    onCancel(foreignEvent, 'k1')
    onCancel(trustedEvent, { not: 'an id' })
    expect(cancelled).toEqual(['3:k1'])
  })

  it('the disposer removes every handler', () => {
    const { router } = fakeRouter()
    const dispose = registerIpc({ router, isTrustedSender, log: createMemoryLogger() })
    dispose()
    expect(ipc.handlers.size).toBe(0)
    expect(ipc.listeners.size).toBe(0)
  })
})
