// A stand-in for wavesurfer.js in happy-dom (no canvas, no media): records what was created,
// subscribed and destroyed, so tests can check that composables clean up after themselves.
import { vi } from 'vitest'

type Handler = (...args: never[]) => void

export interface FakeWaveSurfer {
  options: Record<string, unknown>
  handlers: Map<string, Set<Handler>>
  destroyed: boolean
  destroy: ReturnType<typeof vi.fn>
  play: ReturnType<typeof vi.fn>
  pause: ReturnType<typeof vi.fn>
  setTime: ReturnType<typeof vi.fn>
  setPlaybackRate: ReturnType<typeof vi.fn>
  setOptions: ReturnType<typeof vi.fn>
  zoom: ReturnType<typeof vi.fn>
  setScroll: ReturnType<typeof vi.fn>
  render: ReturnType<typeof vi.fn>
  emit(event: string, ...args: unknown[]): void
  listenerCount(): number
}

export const created: FakeWaveSurfer[] = []
export const minimaps: Array<{ options: Record<string, unknown> }> = []

function fake(options: Record<string, unknown>): FakeWaveSurfer {
  const handlers = new Map<string, Set<Handler>>()
  let playing = false
  const ws: FakeWaveSurfer & Record<string, unknown> = {
    options,
    handlers,
    destroyed: false,
    destroy: vi.fn(() => {
      ws.destroyed = true
    }),
    play: vi.fn(async () => {
      playing = true
      ws.emit('play')
    }),
    pause: vi.fn(() => {
      playing = false
      ws.emit('pause')
    }),
    setTime: vi.fn((t: number) => ws.emit('timeupdate', t)),
    setPlaybackRate: vi.fn(),
    setOptions: vi.fn(),
    zoom: vi.fn(),
    setScroll: vi.fn(),
    render: vi.fn(async () => undefined),
    isPlaying: () => playing,
    getScroll: () => 0,
    getDecodedData: () => ({ duration: 1 }),
    getRenderer: () => ({ render: ws.render }),
    on(event: string, handler: Handler) {
      const set = handlers.get(event) ?? new Set<Handler>()
      handlers.set(event, set)
      set.add(handler)
      return () => set.delete(handler)
    },
    emit(event: string, ...args: unknown[]) {
      for (const h of [...(handlers.get(event) ?? [])]) (h as (...a: unknown[]) => void)(...args)
    },
    listenerCount() {
      return [...handlers.values()].reduce((n, s) => n + s.size, 0)
    },
  }
  return ws
}

export function wavesurferModule() {
  return {
    default: {
      create: vi.fn((options: Record<string, unknown>) => {
        const ws = fake(options)
        created.push(ws)
        return ws
      }),
    },
  }
}

export function minimapModule() {
  return {
    default: {
      create: vi.fn((options: Record<string, unknown>) => {
        const plugin = { options }
        minimaps.push(plugin)
        return plugin
      }),
    },
  }
}

export function resetFakeWaveSurfer(): void {
  created.length = 0
  minimaps.length = 0
}
