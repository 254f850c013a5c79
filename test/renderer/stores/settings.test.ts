import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Settings } from '../../../src-shared/contracts'
import { fake, ApiError } from '../helpers/fake-api'
import { deferred, settings } from '../helpers/fixtures'
import { useSettingsStore } from '../../../src-renderer/src/stores/settings'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('settings store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('uses the system theme until settings are loaded', async () => {
    const store = useSettingsStore()
    expect(store.theme).toBe('system')
    fake.api.settings.get.mockResolvedValue(settings({ theme: 'dark' }))
    await store.load()
    expect(store.theme).toBe('dark')
  })

  it('applies a change at once and keeps what the main process answered', async () => {
    const store = useSettingsStore()
    store.settings = settings()
    const answer = deferred<Settings>()
    fake.api.settings.update.mockReturnValue(answer.promise)
    const saving = store.update({ inferenceThreads: 8 })
    expect(store.settings?.inferenceThreads).toBe(8)
    expect(store.saving).toBe(true)
    answer.resolve(settings({ inferenceThreads: 8, executionProvider: 'cpu' }))
    await saving
    expect(store.settings).toEqual(settings({ inferenceThreads: 8, executionProvider: 'cpu' }))
    expect(store.saving).toBe(false)
  })

  it('rolls back only the refused keys, keeping a change that landed meanwhile', async () => {
    const store = useSettingsStore()
    store.settings = settings({ theme: 'light', pythonPath: null })
    const refused = deferred<Settings>()
    fake.api.settings.update.mockReturnValueOnce(refused.promise).mockResolvedValueOnce(settings({ theme: 'dark', pythonPath: '/bad/python' }))
    const first = store.update({ pythonPath: '/bad/python' })
    await store.update({ theme: 'dark' })
    refused.reject(new ApiError('INVALID_REQUEST', 'pythonPath: not a file'))
    await expect(first).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(store.settings?.pythonPath).toBeNull()
    expect(store.settings?.theme).toBe('dark')
    expect(store.saving).toBe(false)
  })
})
