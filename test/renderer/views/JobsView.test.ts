import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fake, ApiError } from '../helpers/fake-api'
import { jobSnapshot, projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { useJobsStore } from '../../../src-renderer/src/stores/jobs'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

async function mountJobs() {
  const mounted = await mountAt('/jobs')
  useJobsStore().listen()
  await vi.waitFor(() => expect(mounted.router.currentRoute.value.name).toBe('jobs'), { timeout: 10_000 })
  await flushPromises()
  return mounted
}

const cardOf = (wrapper: Awaited<ReturnType<typeof mountJobs>>['wrapper'], id: number) => wrapper.find(`[data-job-id="${id}"]`)

describe('Jobs view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.jobs.logs.mockResolvedValue([])
  })

  it('tells a new user what jobs are and how to start one', async () => {
    fake.api.jobs.list.mockResolvedValue([])
    const { wrapper } = await mountJobs()
    expect(wrapper.text()).toContain('No jobs yet')
    expect(wrapper.findAll('button').filter((b) => b.text() === 'Scan a folder…')).toHaveLength(2)
    wrapper.unmount()
  })

  it('starts a scan of a folder chosen in the browser and follows its progress live to 100 %', async () => {
    fake.api.jobs.list.mockResolvedValue([])
    fake.api.system.listDir.mockResolvedValue({ path: '/data/sd', parent: '/data', entries: [] })
    fake.api.jobs.start.mockResolvedValue(jobSnapshot({ id: 5, status: 'queued', progress: null, startedAt: null, params: { type: 'scan-folder', folder: '/data/sd' } }))
    const { wrapper } = await mountJobs()
    await wrapper.findAll('button').find((b) => b.text() === 'Scan a folder…')?.trigger('click')
    await flushPromises()
    const dialog = wrapper.find('[role="dialog"]')
    expect(dialog.find('h2').text()).toBe('Choose a folder of recordings to scan')
    await dialog.findAll('button').find((b) => b.text() === 'Choose folder')?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params: { type: 'scan-folder', folder: '/data/sd' } })
    expect(cardOf(wrapper, 5).find('[data-testid="job-status"]').text()).toBe('Queued')

    fake.emit('jobs.updated', jobSnapshot({ id: 5, progress: { done: 50, total: 200, unit: 'files', rate: 100, etaSeconds: 1.5, message: null } }))
    await flushPromises()
    expect(cardOf(wrapper, 5).find('[role="progressbar"]').attributes('aria-valuenow')).toBe('25')
    expect(cardOf(wrapper, 5).find('[data-testid="job-eta"]').text()).toBe('ETA 2 s')

    fake.emit('jobs.updated', jobSnapshot({ id: 5, status: 'succeeded', progress: { done: 200, total: 200, unit: 'files', rate: 100, etaSeconds: 0, message: null }, finishedAt: '2025-11-02T09:00:03.000Z' }))
    await flushPromises()
    expect(cardOf(wrapper, 5).find('[role="progressbar"]').attributes('aria-valuenow')).toBe('100')
    expect(cardOf(wrapper, 5).find('[data-testid="job-status"]').text()).toBe('Succeeded')
    wrapper.unmount()
  })

  it('cancels a running job and shows a refusal as a toast with its code', async () => {
    fake.api.jobs.list.mockResolvedValue([jobSnapshot({ id: 2 }), jobSnapshot({ id: 1, status: 'interrupted' })])
    const { wrapper } = await mountJobs()
    fake.api.jobs.cancel.mockResolvedValue(jobSnapshot({ id: 2, status: 'cancelling' }))
    await cardOf(wrapper, 2).findAll('button').find((b) => b.text() === 'Cancel')?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.cancel).toHaveBeenCalledWith({ id: 2 })
    expect(cardOf(wrapper, 2).find('[data-testid="job-status"]').text()).toBe('Cancelling')

    fake.api.jobs.resume.mockRejectedValue(new ApiError('JOB_STATE', 'job 1 cannot resume: its folder is gone'))
    await cardOf(wrapper, 1).findAll('button').find((b) => b.text() === 'Resume')?.trigger('click')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').text()).toContain('Could not resume job #1')
    expect(wrapper.find('[role="alert"] code').text()).toBe('JOB_STATE')
    wrapper.unmount()
  })

  it('filters to jobs that need attention', async () => {
    fake.api.jobs.list.mockResolvedValue([
      jobSnapshot({ id: 1, status: 'failed', error: { code: 'WORKER_CRASHED', message: 'killed' } }),
      jobSnapshot({ id: 2, status: 'succeeded' }),
      jobSnapshot({ id: 3, status: 'interrupted' }),
    ])
    const { wrapper } = await mountJobs()
    const segment = wrapper.findAll('[role="radio"]').find((b) => b.text().startsWith('Needs attention'))
    expect(segment?.text()).toBe('Needs attention2')
    await segment?.trigger('click')
    expect(wrapper.findAll('[data-job-id]').map((c) => c.attributes('data-job-id'))).toEqual(['3', '1'])
    wrapper.unmount()
  })

  it('shows a job log in a side panel and polls it only while the job runs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    try {
      fake.api.jobs.list.mockResolvedValue([jobSnapshot({ id: 4 })])
      fake.api.jobs.logs.mockResolvedValue([{ at: '2025-11-02T09:00:02.000Z', level: 'warn', message: 'skipped unreadable file a.wav' }])
      const { wrapper } = await mountJobs()
      await cardOf(wrapper, 4).findAll('button').find((b) => b.text() === 'Logs')?.trigger('click')
      await flushPromises()
      const panel = wrapper.find('aside[aria-label="Log of job 4"]')
      expect(panel.find('.line .text').text()).toBe('skipped unreadable file a.wav')
      expect(panel.find('.line .level').text()).toBe('warn')
      expect(fake.api.jobs.logs).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(1600)
      expect(fake.api.jobs.logs).toHaveBeenCalledTimes(2)
      fake.emit('jobs.updated', jobSnapshot({ id: 4, status: 'succeeded' }))
      await flushPromises()
      expect(fake.api.jobs.logs).toHaveBeenCalledTimes(3)
      await vi.advanceTimersByTimeAsync(5000)
      expect(fake.api.jobs.logs).toHaveBeenCalledTimes(3)
      wrapper.unmount()
    } finally {
      vi.useRealTimers()
    }
  })
})
