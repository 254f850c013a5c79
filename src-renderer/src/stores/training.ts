// The Train view's data: what can be trained on, the training-set preview, head versions with
// their stored evaluations, comparisons, and the actions that start jobs (train, retrain) or move
// packages. Versions reload when models change (a train-head job registered one).
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref, shallowReactive } from 'vue'
import type {
  HeadEvaluation,
  HeadVersion,
  JobSnapshot,
  TrainHeadParams,
  TrainingOptions,
  TrainingReport,
  TrainingSetRequest,
  VersionComparison,
} from '../../../src-shared/contracts'
import { api } from '../api'
import { useJobsStore } from './jobs'

export const useTrainingStore = defineStore('training', () => {
  const options = ref<TrainingOptions | null>(null)
  const versions = ref<HeadVersion[]>([])
  const versionsLoaded = ref(false)
  const report = ref<TrainingReport | null>(null)
  const previewing = ref(false)
  /** The request the report answers (a changed form makes it stale). */
  const reportFor = ref<string | null>(null)
  const evaluations = shallowReactive(new Map<number, HeadEvaluation>())
  const comparison = ref<VersionComparison | null>(null)
  /** The train-head job this view started last. */
  const jobId = ref<number | null>(null)
  let previewController: AbortController | null = null
  let generation = 0
  let stopListening: (() => void) | null = null

  const jobs = useJobsStore()
  const job = computed<JobSnapshot | null>(() => (jobId.value === null ? null : (jobs.jobs.find((j) => j.id === jobId.value) ?? null)))

  async function loadOptions(): Promise<void> {
    options.value = await api.training.options({})
  }

  async function loadVersions(): Promise<void> {
    const mine = ++generation
    const list = await api.training.versions({})
    if (mine !== generation) return
    versions.value = list
    versionsLoaded.value = true
  }

  /** Counts per class and split; a newer preview cancels an older one still running. */
  async function preview(request: TrainingSetRequest): Promise<TrainingReport | null> {
    previewController?.abort()
    const controller = new AbortController()
    previewController = controller
    previewing.value = true
    try {
      const r = await api.training.preview(request, { signal: controller.signal })
      if (previewController !== controller) return null
      report.value = r
      reportFor.value = JSON.stringify(request)
      return r
    } finally {
      if (previewController === controller) {
        previewing.value = false
        previewController = null
      }
    }
  }

  async function train(params: TrainHeadParams): Promise<JobSnapshot> {
    const snapshot = await jobs.start(params)
    jobId.value = snapshot.id
    return snapshot
  }

  /** Same settings, next version: one action. */
  async function retrain(modelId: number): Promise<JobSnapshot> {
    const params = await api.training.retrainParams({ modelId })
    return train(params)
  }

  async function evaluation(modelId: number): Promise<HeadEvaluation> {
    const known = evaluations.get(modelId)
    if (known) return known
    const e = await api.training.evaluation({ modelId })
    evaluations.set(modelId, e)
    return e
  }

  async function compare(a: number, b: number): Promise<VersionComparison> {
    const c = await api.training.compare({ a, b })
    comparison.value = c
    return c
  }

  /** Shown at once; put back if the main process refuses. */
  async function setActive(id: number, active: boolean): Promise<void> {
    const before = versions.value
    versions.value = versions.value.map((v) => (v.id === id ? { ...v, active } : v))
    try {
      await api.models.setActive({ id, active })
    } catch (error) {
      versions.value = before
      throw error
    }
  }

  function exportPackage(modelId: number, includeEncoder: boolean) {
    return api.training.exportPackage({ modelId, includeEncoder })
  }

  async function importPackage(path: string) {
    const r = await api.training.importPackage({ path })
    await loadVersions()
    return r
  }

  function listen(): void {
    stopListening ??= api.on('models.changed', () => {
      void loadVersions().catch(() => undefined)
    })
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  function reset(): void {
    generation += 1
    options.value = null
    versions.value = []
    versionsLoaded.value = false
    report.value = null
    reportFor.value = null
    evaluations.clear()
    comparison.value = null
    jobId.value = null
  }

  onScopeDispose(stop)

  return {
    options,
    versions,
    versionsLoaded,
    report,
    reportFor,
    previewing,
    evaluations,
    comparison,
    jobId,
    job,
    loadOptions,
    loadVersions,
    preview,
    train,
    retrain,
    evaluation,
    compare,
    setActive,
    exportPackage,
    importPackage,
    listen,
    stop,
    reset,
  }
})
