import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, defineStore, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { fake } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { useProjectsStore } from '../../../src-renderer/src/stores/projects'
import { resetOnProjectSwitch } from '../../../src-renderer/src/stores/project-switch'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('resetOnProjectSwitch', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('resets a store when another project opens or the project closes, not when the same one is reloaded', async () => {
    const reset = vi.fn()
    const useHolder = defineStore('holder', () => {
      resetOnProjectSwitch(reset)
      return {}
    })
    const projects = useProjectsStore()
    projects.current = projectInfo({ dir: '/data/a' })
    useHolder()
    await nextTick()
    expect(reset).not.toHaveBeenCalled()

    projects.current = projectInfo({ dir: '/data/a', name: 'Renamed' })
    await nextTick()
    expect(reset).not.toHaveBeenCalled()

    projects.current = projectInfo({ dir: '/data/b' })
    await nextTick()
    expect(reset).toHaveBeenCalledTimes(1)

    projects.current = null
    await nextTick()
    expect(reset).toHaveBeenCalledTimes(2)
  })
})
