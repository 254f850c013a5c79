import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fake, ApiError } from '../helpers/fake-api'
import { jobSnapshot, projectInfo, settings } from '../helpers/fixtures'
import { useSettingsStore } from '../../../src-renderer/src/stores/settings'
import { mountAt } from '../helpers/mount-app'
import { model } from './fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('Models view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.jobs.list.mockResolvedValue([])
    fake.api.models.engineStatus.mockResolvedValue({ provider: 'cpu', attempts: [{ name: 'cpu', ok: true, reason: null }], notes: [], threads: 4 })
  })

  it('says plainly that the demo encoder knows nothing and how to import a real checkpoint', async () => {
    fake.api.models.list.mockResolvedValue([model()])
    const { wrapper } = await mountAt('/models')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="not-pretrained"]').exists()).toBe(true))
    const card = wrapper.find('[data-model-id="1"]')
    expect(card.text()).toContain('No pretrained knowledge')
    expect(card.text()).toContain('Random weights: this demo encoder has no pretrained knowledge.')
    expect(card.text()).toContain('import an OpenBEATs or BEATs checkpoint')
    expect(card.text()).toContain('768-d · 12 layers · 16 kHz')
    expect(wrapper.find('[data-testid="engine-line"]').text()).toContain('Inference runs on the CPU with 4 threads')
    expect(wrapper.text()).toContain('No classifier head yet')
    wrapper.unmount()
  })

  it('lists heads with metrics and provenance, and activates one', async () => {
    fake.api.models.list.mockResolvedValue([
      model({ pretrained: true, note: null }),
      model({ id: 5, kind: 'head', name: 'Marsh birds', version: 'v2', encoderId: 1, active: false, labels: ['REEWAR', 'SEDWAR'], metrics: { mAP: 0.91 }, provenance: { jobId: 12 } }),
    ])
    fake.api.models.setActive.mockImplementation(async ({ id, active }) => model({ id, kind: 'head', name: 'Marsh birds', version: 'v2', encoderId: 1, active }))
    const { wrapper } = await mountAt('/models')
    await vi.waitFor(() => expect(wrapper.find('tr[data-model-id="5"]').exists()).toBe(true))
    const row = wrapper.find('tr[data-model-id="5"]')
    expect(row.text()).toContain('mAP 0.910')
    expect(row.text()).toContain('job 12')
    expect(row.text()).toContain('OpenBEATs demo 0.1')
    await row.find('input[role="switch"]').setValue(true)
    await flushPromises()
    expect(fake.api.models.setActive).toHaveBeenCalledWith({ id: 5, active: true })
    expect(wrapper.find('tr[data-model-id="5"]').text()).toContain('Active')
    wrapper.unmount()
  })

  it('starts a checkpoint import picked from a folder, and an analysis, as jobs', async () => {
    fake.api.models.list.mockResolvedValue([model()])
    fake.api.app.info.mockResolvedValue({ name: 'OpenBEATs Studio', version: '0.1.0', shell: 'host', platform: 'linux', nativeDialogs: false, dataDir: '/d' } as never)
    fake.api.system.listDir.mockResolvedValue({
      path: '/models',
      parent: '/',
      entries: [
        { name: 'OpenBEATs-Base-i3.pt', path: '/models/OpenBEATs-Base-i3.pt', isDir: false, isProject: false },
        { name: 'notes.txt', path: '/models/notes.txt', isDir: false, isProject: false },
      ],
    })
    fake.api.jobs.start.mockImplementation(async ({ params }) => jobSnapshot({ id: 21, type: params.type, params: params as Record<string, unknown>, status: 'queued' }))
    const { wrapper } = await mountAt('/models')
    await vi.waitFor(() => expect(wrapper.find('[data-model-id="1"]').exists()).toBe(true))

    await wrapper.findAll('button').find((b) => b.text() === 'Import a checkpoint…')?.trigger('click')
    await flushPromises()
    await wrapper.findAll('[role="dialog"] button').find((b) => b.text() === 'Browse…')?.trigger('click')
    await flushPromises()
    // The in-app folder browser (host): choose the folder it opened on.
    await wrapper.findAll('[role="dialog"] button').find((b) => b.text() === 'Choose folder')?.trigger('click')
    await flushPromises()
    const files = wrapper.findAll('.file')
    expect(files.map((f) => f.text())).toEqual(['OpenBEATs-Base-i3.pt'])
    await wrapper.findAll('[role="dialog"] button').find((b) => b.text() === 'Import')?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params: { type: 'model-import', checkpointPath: '/models/OpenBEATs-Base-i3.pt' } })
    expect(wrapper.text()).toContain('Checkpoint import started')

    await wrapper.findAll('button').find((b) => b.text() === 'Analyze recordings…')?.trigger('click')
    await flushPromises()
    await wrapper.findAll('[role="dialog"] button').find((b) => b.text() === 'Start analysis')?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenLastCalledWith({ params: { type: 'analyze', encoderId: 1 } })
    wrapper.unmount()
  })

  it('offers the demo encoder to a project without one', async () => {
    fake.api.models.list.mockResolvedValue([])
    fake.api.models.addDemo.mockResolvedValue(model({ id: 4 }))
    const { wrapper } = await mountAt('/models')
    await vi.waitFor(() => expect(wrapper.text()).toContain('No encoder yet'))
    await wrapper.findAll('button').find((b) => b.text() === 'Add the demo encoder')?.trigger('click')
    await flushPromises()
    expect(fake.api.models.addDemo).toHaveBeenCalledWith({})
    expect(wrapper.find('[data-model-id="4"] [data-testid="not-pretrained"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('says which active heads are out of date and rescores them', async () => {
    const scoring = { windowS: 5, hopS: 2.5, thresholds: [{ labelId: 1, code: 'REEWAR', threshold: 0.5 }, { labelId: 2, code: 'SEDWAR', threshold: 0.7 }], events: { maxGap: 0, minDuration: 0, score: 'max' as const }, revision: 2, needsRescore: true }
    fake.api.models.list.mockResolvedValue([model({ pretrained: true }), model({ id: 6, kind: 'head', name: 'Marsh birds', encoderId: 1, active: true, scoring })])
    fake.api.jobs.start.mockImplementation(async ({ params }) => jobSnapshot({ id: 22, type: params.type, params: params as Record<string, unknown>, status: 'queued' }))
    const { wrapper } = await mountAt('/models')
    await vi.waitFor(() => expect(wrapper.find('tr[data-model-id="6"]').exists()).toBe(true))
    expect(wrapper.find('tr[data-model-id="6"]').text()).toContain('needs rescoring')
    expect(wrapper.find('tr[data-model-id="6"]').text()).toContain('thresholds 0.50–0.70')
    const rescore = wrapper.findAll('button').find((b) => b.text().startsWith('Rescore with active heads'))
    expect(rescore?.text()).toBe('Rescore with active heads (1 out of date)')
    await rescore?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params: { type: 'rescore', headIds: [6] } })
    wrapper.unmount()
  })

  it('shows in Settings which provider the engine uses and why the others failed, in one line each', async () => {
    fake.api.models.engineStatus.mockResolvedValue({
      provider: 'cpu',
      attempts: [
        { name: 'cuda', ok: false, reason: 'CUDA provider not installed (and no NVIDIA GPU found)' },
        {
          name: 'webgpu',
          ok: false,
          reason: '/onnxruntime_src/core/providers/webgpu/webgpu_context.cc:136 WebGpuContext::Initialize() adapter_result.status == Success was false. Failed to get a WebGPU adapter: No supported adapters',
        },
        { name: 'cpu', ok: true, reason: null },
      ],
      notes: [],
      threads: 2,
    })
    const { wrapper } = await mountAt('/settings')
    useSettingsStore().settings = settings()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="engine-status"]').exists()).toBe(true))
    await vi.waitFor(() => expect(wrapper.find('[data-testid="engine-status"]').text()).toContain('the CPU'))
    const reasons = wrapper.findAll('[data-testid="engine-status"] .reason').map((r) => r.text())
    expect(reasons).toEqual(['CUDA provider not installed (and no NVIDIA GPU found)', 'Failed to get a WebGPU adapter: No supported adapters'])
    expect(wrapper.find('[data-testid="engine-status"]').text()).toContain('2 threads per worker')
    wrapper.unmount()
  })

  it('explains when the models cannot be listed', async () => {
    fake.api.models.list.mockRejectedValue(new ApiError('UNSUPPORTED', 'models.list is not available in this build yet'))
    const { wrapper } = await mountAt('/models')
    await vi.waitFor(() => expect(wrapper.text()).toContain('The models could not be listed.'))
    expect(wrapper.text()).toContain('models.list is not available in this build yet (UNSUPPORTED)')
    wrapper.unmount()
  })
})
