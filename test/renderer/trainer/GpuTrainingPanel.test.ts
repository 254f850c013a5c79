// The Train view's GPU section and the Settings environment check, against a fake api: the check
// shows what is missing; the panel picks the active encoder and the only label set, starts a
// fine-tune with the trainer's defaults, and shows the running job's loss, speed and curves.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { TrainerEnvironment } from '../../../src-shared/contracts'
import GpuTrainingPanel from '../../../src-renderer/src/components/trainer/GpuTrainingPanel.vue'
import { fake } from '../helpers/fake-api'
import { appInfo, jobSnapshot, projectInfo, settings } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { model } from '../models/fixtures'
import { useAppStore } from '../../../src-renderer/src/stores/app'
import { useJobsStore } from '../../../src-renderer/src/stores/jobs'
import { useSettingsStore } from '../../../src-renderer/src/stores/settings'

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

function environment(overrides: Partial<TrainerEnvironment> = {}): TrainerEnvironment {
  return {
    status: 'cpu-only', python: '/opt/py/bin/python3', trainerDir: '/app/resources/trainer', pythonVersion: '3.11.2', torch: '2.4.0+cpu', cudaBuild: null, cudaAvailable: false,
    gpus: [], bf16: null, packages: { numpy: '1.26', torchaudio: null }, problems: [], notes: ['CPU only — jobs will run but slowly (a Base model trains one to two orders of magnitude slower than on a GPU).'], checkedAt: '2025-01-01T00:00:00Z',
    ...overrides,
  }
}

async function mountSettings() {
  const mounted = await mountAt('/settings')
  await vi.waitFor(() => expect(mounted.router.currentRoute.value.name).toBe('settings'), { timeout: 10_000 })
  useSettingsStore().settings = settings({ pythonPath: '/opt/py/bin/python3' })
  useAppStore().info = appInfo()
  await flushPromises()
  return mounted
}

beforeEach(() => {
  fake.reset()
  fake.api.projects.current.mockResolvedValue(projectInfo())
  fake.api.projects.recent.mockResolvedValue([])
  fake.api.jobs.list.mockResolvedValue([])
  fake.api.settings.get.mockResolvedValue(settings({ pythonPath: '/opt/py/bin/python3' }))
  fake.api.app.info.mockResolvedValue(appInfo())
  fake.api.models.engineStatus.mockResolvedValue({ provider: 'cpu', attempts: [], notes: [], threads: 2 })
})

describe('Settings: the Python environment of GPU jobs', () => {
  it('checks the interpreter in the field and lists exactly what is missing', async () => {
    fake.api.trainer.check.mockResolvedValue(environment({ status: 'unavailable', torch: null, problems: ['PyTorch is not installed for /opt/py/bin/python3 (Python 3.11.2): install PyTorch for it'] }))
    const { wrapper } = await mountSettings()
    const panel = wrapper.find('[data-testid="trainer-environment"]')
    expect(panel.text()).toContain('Not checked')
    await panel.find('button').trigger('click')
    await flushPromises()
    expect(fake.api.trainer.check).toHaveBeenCalledWith({ python: '/opt/py/bin/python3' })
    expect(panel.text()).toContain('Not available')
    expect(panel.find('[aria-label="What is missing"]').text()).toBe('PyTorch is not installed for /opt/py/bin/python3 (Python 3.11.2): install PyTorch for it')
    wrapper.unmount()
  })

  it('shows a CPU-only PyTorch as usable but slow, with what it found', async () => {
    fake.api.trainer.check.mockResolvedValue(environment())
    const { wrapper } = await mountSettings()
    const panel = wrapper.find('[data-testid="trainer-environment"]')
    await panel.find('button').trigger('click')
    await flushPromises()
    const text = panel.text()
    expect(text).toContain('CPU only')
    expect(text).toContain('CPU only — jobs will run but slowly')
    expect(text).toContain('2.4.0+cpu · CPU build')
    expect(text).toContain('none visible to PyTorch')
    expect(text).toContain('numpy 1.26 · torchaudio —')
    wrapper.unmount()
  })
})

describe('Train: GPU training panel', () => {
  beforeEach(() => {
    fake.api.models.list.mockResolvedValue([model({ id: 3, name: 'OpenBEATs base', version: '1', pretrained: true, active: true, note: null, provenance: { source: 'checkpoint', checkpointPath: '/ckpt/openbeats-base.pt' } })])
    fake.api.labels.sets.mockResolvedValue([
      { id: 7, name: 'Marsh', description: null, createdAt: '2025-01-01T00:00:00Z', labels: [
        { id: 11, labelSetId: 7, code: 'REEWAR', scientificName: null, commonName: 'Reed warbler', color: null, sortOrder: 0 },
        { id: 12, labelSetId: 7, code: 'SEDWAR', scientificName: null, commonName: null, color: null, sortOrder: 1 },
      ] },
    ])
    fake.api.trainer.tokenizers.mockResolvedValue([])
    fake.api.trainer.check.mockResolvedValue(environment({ status: 'ready', cudaAvailable: true, cudaBuild: '12.8', torch: '2.11.0', gpus: [{ index: 0, name: 'NVIDIA H100', totalMemoryBytes: 8e10, freeMemoryBytes: 7e10 }], notes: [] }))
  })

  it('starts a fine-tune of the active encoder on the label set with the trainer\'s defaults, then shows its loss, speed and curves', async () => {
    const started = jobSnapshot({ id: 21, type: 'finetune', status: 'queued', resource: 'gpu', progress: null, params: { type: 'finetune', encoderId: 3, labelIds: [11, 12] } })
    fake.api.jobs.start.mockResolvedValue(started)
    fake.api.trainer.history.mockResolvedValue({ jobId: 21, points: [{ step: 1, epoch: 0, loss: 0.7, lr: 1e-5, samplesPerS: 20, t: 1 }, { step: 2, epoch: 0, loss: 0.5, lr: 2e-5, samplesPerS: 22, t: 2 }], metrics: [{ split: 'val', epoch: 0, step: 2, values: { mAP: 0.61, loss: 0.5 } }], checkpoints: [] })
    const { wrapper } = await mountAt('/projects', [GpuTrainingPanel])
    useJobsStore().listen()
    await flushPromises()
    const panel = wrapper.find('[data-testid="gpu-training"]')
    // The last check is shared between views (here: from the Settings tests); check again.
    await panel.find('[data-testid="trainer-environment"] button').trigger('click')
    await vi.waitFor(() => expect(panel.text()).toContain('GPU ready'))
    expect(fake.api.trainer.check).toHaveBeenCalledWith({})
    expect(panel.text()).toContain('Labels to train (2 of 2)')
    const start = panel.find('[data-testid="start-training"]')
    expect(start.attributes('disabled')).toBeUndefined()
    await start.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenCalledWith({
      params: {
        type: 'finetune', encoderId: 3, seed: 0, device: 'auto', labelIds: [11, 12], multiLabel: false, valFraction: 0.2,
        hparams: { epochs: 10, batch_size: 16, lr: 5e-5, precision: 'auto', clip_seconds: 10, eval_clip_seconds: 10, freeze_encoder: false, mixup_prob: 0.5 },
      },
    })
    expect(panel.text()).toContain('Started finetune job #21')

    fake.emit('jobs.updated', { ...started, status: 'running', progress: { done: 2, total: 40, unit: 'steps', rate: 1, etaSeconds: 38, message: 'epoch 1 · loss 0.5000 · 22.0 clips/s' } })
    await flushPromises()
    const row = panel.find('[data-job-id="21"]')
    expect(row.text()).toContain('Fine-tune (GPU)')
    expect(row.text()).toContain('epoch 1 · loss 0.5000 · 22.0 clips/s')
    await vi.waitFor(() => expect(panel.find('[data-testid="trainer-job-chart"]').text()).toContain('loss 0.5000'))
    expect(fake.api.trainer.history).toHaveBeenCalledWith({ jobId: 21 })
    const charts = panel.findAll('[data-testid="trainer-job-chart"] [role="img"]')
    expect(charts.map((c) => c.attributes('data-series'))).toEqual(['loss|clips/s', 'val mAP|val loss'])
    wrapper.unmount()
  })

  it('keeps Start disabled and says why until labels are chosen', async () => {
    fake.api.labels.sets.mockResolvedValue([])
    const { wrapper } = await mountAt('/projects', [GpuTrainingPanel])
    await flushPromises()
    const panel = wrapper.find('[data-testid="gpu-training"]')
    expect(panel.find('[data-testid="start-training"]').attributes('disabled')).toBeDefined()
    expect(panel.find('[aria-label="Before starting"]').text()).toBe('Choose the labels to train.')
    wrapper.unmount()
  })

  it('starts the GPU analysis of the active encoder, and offers Resume for a stopped training job', async () => {
    const stopped = jobSnapshot({ id: 30, type: 'finetune', status: 'cancelled', resource: 'gpu', progress: { done: 12, total: 40, unit: 'steps', rate: null, etaSeconds: null, message: null }, params: { type: 'finetune', labelIds: [11, 12] } })
    fake.api.jobs.list.mockResolvedValue([stopped])
    fake.api.trainer.history.mockResolvedValue({ jobId: 30, points: [], metrics: [], checkpoints: [] })
    fake.api.jobs.start.mockResolvedValue(jobSnapshot({ id: 31, type: 'gpu-embed', status: 'queued', progress: null, params: { type: 'gpu-embed' } }))
    fake.api.jobs.resume.mockResolvedValue({ ...stopped, status: 'queued' })
    const { wrapper } = await mountAt('/projects', [GpuTrainingPanel])
    await useJobsStore().load()
    await flushPromises()
    const panel = wrapper.find('[data-testid="gpu-training"]')
    await panel.findAll('[role="radio"]').find((b) => b.text() === 'Analyze on the GPU')?.trigger('click')
    await panel.find('[data-testid="start-gpu-analysis"]').trigger('click')
    await flushPromises()
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params: { type: 'gpu-embed', encoderId: 3, batchSize: 64, precision: 'auto', device: 'auto' } })

    const row = panel.find('[data-job-id="30"]')
    expect(row.text()).toContain('Stopped at step 12; resume continues from the last checkpoint')
    await panel.find('[data-job-id="30"] button').trigger('click')
    await panel.findAll('button').find((b) => b.text() === 'Resume')?.trigger('click')
    await flushPromises()
    expect(fake.api.jobs.resume).toHaveBeenCalledWith({ id: 30 })
    wrapper.unmount()
  })
})
