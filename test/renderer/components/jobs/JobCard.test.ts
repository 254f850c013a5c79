import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import JobCard from '../../../../src-renderer/src/components/jobs/JobCard.vue'
import { jobSnapshot } from '../../helpers/fixtures'

const count = (n: number) => new Intl.NumberFormat().format(n)

describe('JobCard', () => {
  it('shows a running job with determinate progress, amount, rate and ETA', () => {
    const wrapper = mount(JobCard, { props: { job: jobSnapshot(), now: new Date('2025-11-02T09:00:31.000Z') } })
    const bar = wrapper.find('[role="progressbar"]')
    expect(bar.attributes('aria-valuenow')).toBe('24')
    expect(wrapper.find('.pct').text()).toBe('24 %')
    expect(wrapper.find('[data-testid="job-amount"]').text()).toBe(`${count(1234)} / ${count(5000)} files`)
    expect(wrapper.text()).toContain('812 files/s')
    expect(wrapper.find('[data-testid="job-eta"]').text()).toBe('ETA 3 min 5 s')
    expect(wrapper.text()).toContain('Running for 30 s')
    expect(wrapper.find('[data-testid="job-status"]').text()).toBe('Running')
    expect(wrapper.find('.subject').text()).toBe('/data/sd-card-07')
  })

  it('offers Cancel for a running job and emits it', async () => {
    const wrapper = mount(JobCard, { props: { job: jobSnapshot() } })
    const buttons = wrapper.findAll('button').map((b) => b.text())
    expect(buttons).toEqual(['Cancel', 'Logs'])
    await wrapper.findAll('button')[0].trigger('click')
    expect(wrapper.emitted('cancel')).toHaveLength(1)
  })

  it('offers Resume, not Cancel, for an interrupted job, and no running time', async () => {
    const wrapper = mount(JobCard, { props: { job: jobSnapshot({ status: 'interrupted' }) } })
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Resume', 'Logs'])
    expect(wrapper.text()).not.toContain('Running for')
    expect(wrapper.text()).not.toContain('Took')
    await wrapper.findAll('button')[0].trigger('click')
    expect(wrapper.emitted('resume')).toHaveLength(1)
  })

  it('shows indeterminate progress while the total is unknown', () => {
    const job = jobSnapshot({ progress: { done: 120, total: null, unit: 'files', rate: null, etaSeconds: null, message: 'counting…' } })
    const wrapper = mount(JobCard, { props: { job } })
    const bar = wrapper.find('[role="progressbar"]')
    expect(bar.attributes('aria-valuenow')).toBeUndefined()
    expect(bar.attributes('aria-valuetext')).toBe('in progress')
    expect(wrapper.find('[data-testid="job-amount"]').text()).toBe('120 files so far')
    expect(wrapper.find('[data-testid="job-eta"]').exists()).toBe(false)
    expect(wrapper.find('.message').text()).toBe('counting…')
  })

  it('shows a failed job with its error code, message and the worker output tail', () => {
    const job = jobSnapshot({
      status: 'failed',
      finishedAt: '2025-11-02T09:00:09.000Z',
      error: { code: 'WORKER_CRASHED', message: 'the worker exited with signal SIGKILL', stderrTail: 'line 1\nline 2' },
    })
    const wrapper = mount(JobCard, { props: { job } })
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Resume', 'Logs'])
    expect(wrapper.find('.code').text()).toBe('WORKER_CRASHED')
    expect(wrapper.find('[aria-label="Error"]').text()).toContain('the worker exited with signal SIGKILL')
    expect(wrapper.find('details pre').text()).toBe('line 1\nline 2')
    expect(wrapper.text()).toContain('Took 8 s')
    expect(wrapper.text()).not.toContain('812 files/s')
  })

  it('shows a succeeded job at 100 % with its result', () => {
    const job = jobSnapshot({
      status: 'succeeded',
      progress: { done: 5000, total: 5000, unit: 'files', rate: 900, etaSeconds: 0, message: null },
      result: {
        folder: '/data/sd-card-07',
        files: 5000,
        bytes: 9_000_000_000,
        audio: { files: 4800, bytes: 8_900_000_000 },
        byFormat: { wav: { files: 4700, bytes: 8_800_000_000 }, flac: { files: 100, bytes: 100_000_000 } },
        unrecognised: { files: 3, bytes: 0 },
        other: { files: 197, bytes: 100_000_000 },
        unreadable: 0,
        skippedLinks: 0,
      },
      finishedAt: '2025-11-02T09:00:07.000Z',
    })
    const wrapper = mount(JobCard, { props: { job } })
    expect(wrapper.find('[role="progressbar"]').attributes('aria-valuenow')).toBe('100')
    expect(wrapper.findAll('.result dt').map((d) => d.text())).toEqual(['Audio files', 'By format', 'Other files', 'Named like audio but unreadable as audio'])
    expect(wrapper.findAll('.result dd').map((d) => d.text())).toEqual([
      `${count(4800)} (${(8.9).toLocaleString()} GB)`,
      `wav ${count(4700)} · flac 100`,
      '197 (100 MB)',
      '3',
    ])
  })

  it('shows no progress bar for a job stopped before its total was known', () => {
    const job = jobSnapshot({ status: 'cancelled', progress: { done: 601, total: null, unit: 'files', rate: null, etaSeconds: null, message: 'Listing files…' }, finishedAt: '2025-11-02T09:00:02.000Z' })
    const wrapper = mount(JobCard, { props: { job } })
    expect(wrapper.find('[role="progressbar"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="job-amount"]').text()).toBe('601 files')
    expect(wrapper.find('.message').exists()).toBe(false)
  })

  it('waits quietly while queued', () => {
    const wrapper = mount(JobCard, { props: { job: jobSnapshot({ status: 'queued', progress: null, startedAt: null }) } })
    expect(wrapper.find('[role="progressbar"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Waiting for a free worker…')
  })
})
