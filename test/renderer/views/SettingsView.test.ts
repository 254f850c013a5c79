import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fake, ApiError } from '../helpers/fake-api'
import { appInfo, settings } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { useAppStore } from '../../../src-renderer/src/stores/app'
import { useSettingsStore } from '../../../src-renderer/src/stores/settings'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

async function mountSettings(initial = settings()) {
  const mounted = await mountAt('/settings')
  await vi.waitFor(() => expect(mounted.router.currentRoute.value.name).toBe('settings'), { timeout: 10_000 })
  useSettingsStore().settings = initial
  useAppStore().info = appInfo()
  await flushPromises()
  return mounted
}

describe('Settings view', () => {
  beforeEach(() => {
    fake.reset()
  })

  it('saves the theme as soon as it is chosen', async () => {
    fake.api.settings.update.mockImplementation(async (patch) => settings({ ...patch }))
    const { wrapper } = await mountSettings()
    await wrapper.findAll('[role="radio"]').find((b) => b.text() === 'Dark')?.trigger('click')
    await flushPromises()
    expect(fake.api.settings.update).toHaveBeenCalledWith({ theme: 'dark' })
    expect(wrapper.find('[role="radio"][aria-checked="true"]').text()).toBe('Dark')
    wrapper.unmount()
  })

  it('saves a fixed thread count and refuses one out of range without asking the main process', async () => {
    fake.api.settings.update.mockImplementation(async (patch) => settings({ ...patch }))
    const { wrapper } = await mountSettings()
    const threads = wrapper.find('input[aria-label="Number of threads"]')
    await threads.setValue('0')
    await threads.trigger('change')
    expect(wrapper.find('.field-error').text()).toBe('A whole number from 1 to 256.')
    expect(fake.api.settings.update).not.toHaveBeenCalled()
    await threads.setValue('8')
    await threads.trigger('change')
    await flushPromises()
    expect(fake.api.settings.update).toHaveBeenCalledWith({ inferenceThreads: 8 })
    wrapper.unmount()
  })

  it('puts the Python path back and says why when the main process refuses it', async () => {
    fake.api.settings.update.mockRejectedValue(new ApiError('INVALID_REQUEST', 'pythonPath: must not be empty'))
    const { wrapper } = await mountSettings(settings({ pythonPath: '/usr/bin/python3' }))
    const input = wrapper.find('input.mono')
    await input.setValue('/opt/conda/bin/python')
    await input.trigger('blur')
    await flushPromises()
    expect(fake.api.settings.update).toHaveBeenCalledWith({ pythonPath: '/opt/conda/bin/python' })
    expect((input.element as HTMLInputElement).value).toBe('/usr/bin/python3')
    expect(wrapper.find('[role="alert"]').text()).toContain('Could not save the setting')
    wrapper.unmount()
  })

  it('says which shell and version this is', async () => {
    const { wrapper } = await mountSettings()
    expect(wrapper.find('.about').text()).toContain('Browser host (npm run serve) on linux')
    expect(wrapper.find('.about').text()).toContain('OpenBEATs Studio 0.1.0')
    wrapper.unmount()
  })
})
