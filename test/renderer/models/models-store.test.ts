import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake, ApiError } from '../helpers/fake-api'
import { useModelsStore } from '../../../src-renderer/src/stores/models'
import { model } from './fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('models store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('splits encoders and heads and knows the encoder in use', async () => {
    fake.api.models.list.mockResolvedValue([model({ id: 1, active: false }), model({ id: 2, active: true, pretrained: true }), model({ id: 3, kind: 'head', encoderId: 2 })])
    const store = useModelsStore()
    await store.load()
    expect(store.encoders.map((m) => m.id)).toEqual([1, 2])
    expect(store.heads.map((m) => m.id)).toEqual([3])
    expect(store.activeEncoder?.id).toBe(2)
  })

  it('switches a head at once and back again when the main process refuses', async () => {
    fake.api.models.list.mockResolvedValue([model({ id: 3, kind: 'head', active: false })])
    fake.api.models.setActive.mockRejectedValue(new ApiError('MODEL_INVALID', 'head #3 was trained on another encoder'))
    const store = useModelsStore()
    await store.load()
    const pending = store.setActive(3, true)
    expect(store.heads[0].active).toBe(true)
    await expect(pending).rejects.toThrow('head #3 was trained on another encoder')
    expect(store.heads[0].active).toBe(false)
  })

  it('reloads when models change', async () => {
    fake.api.models.list.mockResolvedValue([])
    const store = useModelsStore()
    store.listen()
    fake.api.models.list.mockResolvedValue([model()])
    fake.emit('models.changed', { modelId: 1 })
    await vi.waitFor(() => expect(store.models).toHaveLength(1))
    store.stop()
  })
})
