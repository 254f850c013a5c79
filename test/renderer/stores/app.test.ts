import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake } from '../helpers/fake-api'
import { appInfo } from '../helpers/fixtures'
import { useAppStore } from '../../../src-renderer/src/stores/app'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('app store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('knows whether native folder dialogs exist', async () => {
    const store = useAppStore()
    expect(store.nativeDialogs).toBe(false)
    fake.api.app.info.mockResolvedValue(appInfo({ shell: 'electron', capabilities: { nativeDialogs: true } }))
    await store.loadInfo()
    expect(store.nativeDialogs).toBe(true)
    expect(store.isHost).toBe(false)
  })

  it('mirrors the connection status and stops watching when stopped', () => {
    const store = useAppStore()
    store.watchConnection()
    store.watchConnection()
    expect(fake.statusListenerCount()).toBe(1)
    expect(store.connection).toBe('open')
    fake.setStatus('closed')
    expect(store.connection).toBe('closed')
    store.stop()
    expect(fake.statusListenerCount()).toBe(0)
    fake.setStatus('connecting')
    expect(store.connection).toBe('closed')
  })
})
