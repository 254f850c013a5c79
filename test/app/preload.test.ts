import { describe, expect, it, vi } from 'vitest'
import { contract, IPC_CANCEL_CHANNEL, IPC_EVENT_CHANNEL, ipcCallChannel, PRELOAD_GLOBAL } from '../../src-shared/contracts'

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<[string, unknown]>,
  sent: [] as Array<[string, unknown]>,
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, arg: unknown) => {
      electron.invoked.push([channel, arg])
      return Promise.resolve({ ok: true, value: channel })
    },
    send: (channel: string, arg: unknown) => electron.sent.push([channel, arg]),
    on: (channel: string, l: (...args: unknown[]) => void) => {
      if (!electron.listeners.has(channel)) electron.listeners.set(channel, new Set())
      electron.listeners.get(channel)?.add(l)
    },
    removeListener: (channel: string, l: (...args: unknown[]) => void) => electron.listeners.get(channel)?.delete(l),
  },
}))

await import('../../src-main/app/preload')

type Bridge = Record<string, unknown> & { cancel(id: string): void; onEvent(h: (e: string, p: unknown) => void): () => void }
const bridge = electron.exposed.get(PRELOAD_GLOBAL) as Bridge

describe('preload bridge', () => {
  it('exposes only window.openbeats', () => {
    expect([...electron.exposed.keys()]).toEqual([PRELOAD_GLOBAL])
  })

  it('has one named object per domain with one function per contract method, plus cancel and onEvent — nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(contract), 'cancel', 'onEvent'].sort())
    for (const [domain, methods] of Object.entries(contract)) {
      const d = bridge[domain] as Record<string, unknown>
      expect(Object.keys(d).sort(), domain).toEqual(Object.keys(methods).sort())
      for (const name of Object.keys(methods)) expect(typeof d[name], `${domain}.${name}`).toBe('function')
    }
    expect(bridge).not.toHaveProperty('invoke')
    expect(bridge).not.toHaveProperty('env')
  })

  it('each method invokes its own channel with the call id and payload', async () => {
    const open = (bridge.projects as Record<string, (p: unknown, id: string) => Promise<unknown>>).open
    expect(await open({ dir: '/p' }, 'c7')).toEqual({ ok: true, value: ipcCallChannel('projects.open') })
    expect(electron.invoked.at(-1)).toEqual([ipcCallChannel('projects.open'), { callId: 'c7', payload: { dir: '/p' } }])
  })

  it('cancel sends the call id; onEvent delivers events and its disposer unsubscribes', () => {
    bridge.cancel('c7')
    expect(electron.sent).toEqual([[IPC_CANCEL_CHANNEL, 'c7']])
    const seen: Array<[string, unknown]> = []
    const off = bridge.onEvent((e, p) => seen.push([e, p]))
    const emit = (...args: unknown[]) => electron.listeners.get(IPC_EVENT_CHANNEL)?.forEach((l) => l({}, ...args))
    emit('jobs.updated', { id: 1 })
    emit(42, 'not an event name')
    off()
    emit('jobs.updated', { id: 2 })
    expect(seen).toEqual([['jobs.updated', { id: 1 }]])
  })
})
