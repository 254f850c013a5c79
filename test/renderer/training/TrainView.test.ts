import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { TrainHeadParams, TrainHeadResult } from '../../../src-shared/contracts'
import { fake } from '../helpers/fake-api'
import { jobSnapshot, projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { comparison, evaluation, headVersion, reviewWindow, trainingOptions, trainingReport } from './fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())
// happy-dom has no canvas: the chart is a box that lists its series names.
vi.mock('../../../src-renderer/src/components/charts/EChart.vue', async () => {
  const { defineComponent, h } = await import('vue')
  return {
    default: defineComponent({
      props: { option: { type: Object, required: true }, label: { type: String, required: true }, height: { type: String, default: '' } },
      setup(props) {
        return () => h('div', { role: 'img', 'aria-label': props.label, 'data-series': ((props.option as { series?: Array<{ name: string }> }).series ?? []).map((x) => x.name).join('|') })
      },
    }),
  }
})
// The viewer needs media; these tests are about the lists and decisions.
vi.mock('../../../src-renderer/src/components/audio/RecordingViewer.vue', async () => {
  const { h } = await import('vue')
  const stub = { setup: (_p: unknown, ctx: { expose: (e: object) => void }) => (ctx.expose({ play: async () => undefined }), () => h('div', { class: 'viewer-stub' })) }
  return { default: stub }
})

function result(modelId: number, previousModelId: number | null): TrainHeadResult {
  return { modelId, name: 'Marsh birds head', version: '2', previousModelId, metrics: { mAP: 0.675 }, report: trainingReport(), seconds: 3 }
}

describe('Train view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.jobs.list.mockResolvedValue([])
    fake.api.labels.sets.mockResolvedValue([])
    fake.api.training.options.mockResolvedValue(trainingOptions())
    fake.api.training.versions.mockResolvedValue([])
  })

  it('previews the training set with counts per class and split and its warnings, then trains', async () => {
    fake.api.training.preview.mockResolvedValue(trainingReport())
    fake.api.jobs.start.mockImplementation(async ({ params }) => jobSnapshot({ id: 31, type: 'train-head', status: 'queued', params: params as Record<string, unknown>, progress: null }))
    const { wrapper } = await mountAt('/train')
    await vi.waitFor(() => expect(wrapper.find('form[aria-label="Training settings"]').exists()).toBe(true))
    const checked = wrapper.findAll('input[type="checkbox"][data-code]').filter((c) => (c.element as HTMLInputElement).checked).map((c) => c.attributes('data-code'))
    expect(checked).toEqual(['REEWAR', 'SEDWAR'])

    await wrapper.findAll('button').find((b) => b.text().includes('Preview the training set'))?.trigger('click')
    await flushPromises()
    expect(fake.api.training.preview.mock.calls[0][0]).toMatchObject({ labelIds: [11, 12], encoderId: 1, split: { by: 'recording', validation: 0.25, test: 0 } })
    const report = wrapper.find('[data-testid="training-report"]')
    expect(report.find('tr[data-code="REEWAR"]').text()).toMatch(/REEWAR.*90.*30.*2/)
    expect(report.findAll('[data-code="FEW_POSITIVES"]').map((w) => w.text())).toEqual(['SEDWAR has 6 training positive(s), fewer than 10'])
    expect(report.text()).toContain('Validation')
    expect(report.text()).toContain('120 windows (30 with calls, 90 background)')

    await wrapper.find('form[aria-label="Training settings"]').trigger('submit')
    await flushPromises()
    const params = fake.api.jobs.start.mock.calls[0][0].params as TrainHeadParams
    expect(params).toMatchObject({ type: 'train-head', head: { kind: 'linear', targetPrecision: 0.9 } })
    expect(wrapper.find('[data-job-id="31"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the metrics and PR curves of a finished training, and how they moved from the version it retrained', async () => {
    fake.api.jobs.start.mockImplementation(async ({ params }) => jobSnapshot({ id: 32, type: 'train-head', status: 'running', params: params as Record<string, unknown> }))
    fake.api.training.evaluation.mockResolvedValue(evaluation([0.85, 0.5]))
    const v1 = headVersion()
    const v2 = headVersion({ id: 22, version: '2', previousId: 21, mAP: 0.675 })
    fake.api.training.compare.mockResolvedValue(comparison(v1, v2))
    const { wrapper } = await mountAt('/train')
    await vi.waitFor(() => expect(wrapper.find('form[aria-label="Training settings"]').exists()).toBe(true))
    await wrapper.find('form[aria-label="Training settings"]').trigger('submit')
    await flushPromises()
    fake.api.training.versions.mockResolvedValue([v2, v1])
    fake.emit('jobs.updated', jobSnapshot({ id: 32, type: 'train-head', status: 'succeeded', result: result(22, 21), finishedAt: '2025-11-02T09:01:00.000Z' }))
    await vi.waitFor(() => expect(wrapper.find('[data-testid="version-detail"]').exists()).toBe(true))
    const detail = wrapper.find('[data-testid="version-detail"]')
    expect(detail.find('[data-testid="map"]').text()).toBe('0.675')
    expect(detail.find('tr[data-code="SEDWAR"] [data-metric="ap"]').text()).toBe('0.500')
    expect(detail.find('[data-testid="pr-chart"]').attributes('data-series')).toBe('REEWAR|SEDWAR|REEWAR @ 0.42|SEDWAR @ 0.42')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="compare-card"]').exists()).toBe(true))
    expect(fake.api.training.compare).toHaveBeenCalledWith({ a: 21, b: 22 })
    expect(wrapper.find('[data-testid="map-delta"]').text()).toBe('mAP 0.700 → 0.675 (−0.025)')
    wrapper.unmount()
  })

  it('lists versions, compares two side by side and retrains one in one action', async () => {
    const v1 = headVersion()
    const v2 = headVersion({ id: 22, version: '2', active: false, mAP: 0.675 })
    fake.api.training.versions.mockResolvedValue([v2, v1])
    fake.api.training.compare.mockResolvedValue(comparison(v1, v2))
    fake.api.training.retrainParams.mockResolvedValue({ type: 'train-head', set: { labelIds: [11, 12] }, name: v1.name, previousModelId: 21 })
    fake.api.jobs.start.mockImplementation(async ({ params }) => jobSnapshot({ id: 40, type: 'train-head', status: 'queued', params: params as Record<string, unknown> }))
    const { wrapper, router } = await mountAt('/train?tab=versions')
    await vi.waitFor(() => expect(wrapper.findAll('tr[data-version-id]')).toHaveLength(2))
    expect(wrapper.find('tr[data-version-id="22"] [data-metric="map"]').text()).toBe('0.675')
    for (const id of [21, 22]) await wrapper.find(`tr[data-version-id="${id}"] input[type="checkbox"]`).setValue(true)
    await wrapper.findAll('button').find((b) => b.text() === 'Compare')?.trigger('click')
    await flushPromises()
    const card = wrapper.find('[data-testid="compare-card"]')
    expect(card.find('tr[data-code="SEDWAR"]').text()).toContain('−0.100')
    expect(card.find('[data-testid="compare-chart"]').attributes('data-series')).toBe('Marsh birds head 1|Marsh birds head 2|Marsh birds head 1 @ 0.42|Marsh birds head 2 @ 0.42')

    await wrapper.find('tr[data-version-id="21"]').findAll('button').find((b) => b.text() === 'Retrain')?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params: { type: 'train-head', set: { labelIds: [11, 12] }, name: v1.name, previousModelId: 21 } })
    expect(router.currentRoute.value.query.tab).toBe('train')
    wrapper.unmount()
  })

  it('proposes a review queue and stores decisions by keyboard', async () => {
    fake.api.training.versions.mockResolvedValue([headVersion()])
    fake.api.labels.sets.mockResolvedValue([{ id: 2, name: 'Marsh birds', description: null, createdAt: '2025-11-01', labels: [{ id: 11, labelSetId: 2, code: 'REEWAR', scientificName: null, commonName: 'Reed warbler', color: '#2f7ed8', sortOrder: 0 }] }])
    fake.api.training.queue.mockResolvedValue({ items: [reviewWindow(), reviewWindow({ startS: 30, endS: 31 })], candidates: 4000, excluded: 120, seconds: 0.2 })
    fake.api.recordings.get.mockResolvedValue({ id: 7, status: 'ok', fileName: '20240514_050000.WAV', durationS: 60, sampleRate: 16000, effectiveSampleRate: 16000, startTime: null } as never)
    fake.api.training.decide.mockResolvedValue([{ labelId: 11, decision: 'absent', annotationId: null }])
    const { wrapper } = await mountAt('/train?tab=queue')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="queue-version"]').exists()).toBe(true))
    await wrapper.findAll('button').find((b) => b.text().includes('Propose windows'))?.trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="review-count"]').text()).toBe('2 windows · 0 decided')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'x' }))
    await flushPromises()
    expect(fake.api.training.decide).toHaveBeenCalledWith({ recordingId: 7, startS: 12.5, endS: 13.5, labelId: 11, decision: 'absent', origin: 'active-learning', modelId: 21 })
    expect(wrapper.find('[data-testid="review-count"]').text()).toBe('2 windows · 1 decided')
    expect(wrapper.find('tr[data-index="1"]').attributes('aria-selected')).toBe('true')
    wrapper.unmount()
  })

  it('searches at once when it arrives from the annotate view with a region', async () => {
    fake.api.search.query.mockResolvedValue({
      hits: [{ ...reviewWindow({ labelId: null, labelCode: null, score: 1, uncertainty: null }), isQuery: true }],
      query: { encoderId: 1, analysisId: 3, windowS: 1, hopS: 0.5, windows: [{ startS: 12.5, endS: 13.5 }] },
      index: { windows: 4760, built: true, buildSeconds: 0.4, bytes: 1e6 },
      exact: true,
      seconds: 0.05,
    })
    fake.api.recordings.get.mockResolvedValue({ id: 7, status: 'ok', fileName: 'x.WAV', durationS: 60, sampleRate: 16000, effectiveSampleRate: 16000, startTime: null } as never)
    const { wrapper } = await mountAt('/train?tab=search&recording=7&start=12.5&end=13.5&label=11')
    await vi.waitFor(() => expect(fake.api.search.query).toHaveBeenCalledWith({ recordingId: 7, startS: 12.5, endS: 13.5, k: 50 }, expect.anything()))
    await flushPromises()
    expect(wrapper.find('[data-testid="search-meta"]').text()).toContain('1 most similar of 4,760 windows')
    expect(wrapper.find('tr[data-index="0"]').text()).toContain('query')
    wrapper.unmount()
  })
})
