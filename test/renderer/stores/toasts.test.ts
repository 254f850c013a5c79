import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake, ApiError } from '../helpers/fake-api'
import { describeError, useToastsStore } from '../../../src-renderer/src/stores/toasts'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('toasts store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
    vi.useFakeTimers()
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads code and message from api errors, message from other errors', () => {
    expect(describeError(new ApiError('PROJECT_EXISTS', '/x is already a project'))).toEqual({ code: 'PROJECT_EXISTS', message: '/x is already a project' })
    expect(describeError(new TypeError('boom'))).toEqual({ code: null, message: 'boom' })
    expect(describeError('plain')).toEqual({ code: null, message: 'plain' })
  })

  it('returns the result of a successful action and shows nothing', async () => {
    const store = useToastsStore()
    await expect(store.attempt('Could not open', async () => 42)).resolves.toBe(42)
    expect(store.toasts).toEqual([])
  })

  it('shows a failed action as an error toast with its code, and resolves undefined', async () => {
    const store = useToastsStore()
    const result = await store.attempt('Could not open the project', async () => {
      throw new ApiError('PROJECT_NOT_FOUND', '/data/x has no project.sqlite')
    })
    expect(result).toBeUndefined()
    expect(store.toasts).toMatchObject([{ kind: 'error', title: 'Could not open the project', code: 'PROJECT_NOT_FOUND', message: '/data/x has no project.sqlite' }])
  })

  it('dismisses confirmations after 4 s and errors after 15 s', () => {
    const store = useToastsStore()
    store.push('success', 'Saved')
    store.push('error', 'Failed')
    vi.advanceTimersByTime(4_001)
    expect(store.toasts.map((t) => t.title)).toEqual(['Failed'])
    vi.advanceTimersByTime(11_000)
    expect(store.toasts).toEqual([])
  })

  it('keeps a toast while it is held and restarts its clock on release', () => {
    const store = useToastsStore()
    const id = store.push('info', 'Scan started')
    store.hold(id)
    vi.advanceTimersByTime(60_000)
    expect(store.toasts).toHaveLength(1)
    store.release(id)
    vi.advanceTimersByTime(6_001)
    expect(store.toasts).toHaveLength(0)
  })

  it('keeps at most five toasts, dropping the oldest', () => {
    const store = useToastsStore()
    for (let i = 1; i <= 7; i++) store.push('error', `e${i}`)
    expect(store.toasts.map((t) => t.title)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7'])
  })
})
