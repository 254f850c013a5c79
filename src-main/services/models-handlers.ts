// The `models` domain: list, activate, edit head scoring, delete, add the demo model, and the
// engine's provider report. Model imports, analyses and rescoring run as jobs (workers); this
// service tells the renderer when their results change the models or the detections.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Contract, DomainHandlers, JobSnapshot } from '../../src-shared/contracts'
import { analysisFolder } from '../analysis/embedding-files'
import { AppError } from '../errors'
import type { MainCallContext } from '../ipc/router'
import { createEngineProbe } from './models-engine-status'
import { ensureDemoEncoder } from './models-register'
import { ModelsRepository, type ModelRow } from './models-repository'
import type { Disposer, EventBus } from './event-bus'
import type { ProjectSession } from './project-session'
import type { SettingsStore } from './settings-store'

export interface ModelsService {
  handlers: DomainHandlers<Contract['models'], MainCallContext>
  dispose(): void
}

/** While an analysis runs, the detections view hears about new rows at most this often. */
const DETECTIONS_REFRESH_MS = 2_000

export function createModelsService(deps: { session: ProjectSession; events: EventBus; settings: SettingsStore }): ModelsService {
  const { session, events, settings } = deps
  const probe = createEngineProbe()
  const repo = (): ModelsRepository => new ModelsRepository(session.require().db)
  const changed = (modelId: number | null) => events.emit('models.changed', { modelId })

  function remove(row: ModelRow, force: boolean): void {
    const { db, dir } = session.require()
    const r = repo()
    const folders: string[] = []
    const analysisIds: number[] = []
    db.transaction(() => {
      if (row.kind === 'encoder') {
        const heads = r.headsOf(row.id)
        const analysed = db.prepare("SELECT count(*) FROM analysed_recordings ar JOIN analyses a ON a.id = ar.analysis_id WHERE a.encoder_id = ? AND ar.status = 'done'").pluck().get(row.id) as number
        if ((heads.length > 0 || analysed > 0) && !force) {
          throw new AppError(
            'MODEL_IN_USE',
            `encoder ${row.name} ${row.version} has ${heads.length} head(s) and the embeddings of ${analysed} recording(s); delete with force to remove them and their detections too (label sets and annotations are kept)`,
            { heads: heads.map((h) => h.id), analysedRecordings: analysed },
          )
        }
        for (const h of heads) {
          folders.push(...h.files)
          db.prepare('DELETE FROM models WHERE id = ?').run(h.id)
        }
        analysisIds.push(...(db.prepare('SELECT id FROM analyses WHERE encoder_id = ?').pluck().all(row.id) as number[]))
      } else {
        const reviewed = db.prepare("SELECT count(*) FROM detections WHERE model_id = ? AND (review_state <> 'unreviewed' OR original_label_id IS NOT NULL)").pluck().get(row.id) as number
        if (reviewed > 0 && !force) {
          throw new AppError('MODEL_IN_USE', `head ${row.name} ${row.version} has ${reviewed} reviewed detection(s); delete with force to remove them too, or deactivate the head instead`, { reviewedDetections: reviewed })
        }
      }
      folders.push(...row.files)
      db.prepare('DELETE FROM models WHERE id = ?').run(row.id)
    })()
    // Files go after the commit: a crash in between leaves unused files, never rows without files.
    for (const f of folders) rmSync(join(dir, f), { recursive: true, force: true })
    for (const id of analysisIds) rmSync(analysisFolder(dir, id), { recursive: true, force: true })
  }

  const handlers: ModelsService['handlers'] = {
    list: async ({ kind }) => {
      const r = repo()
      return r.rows(kind).map((row) => r.summary(row))
    },
    get: async ({ id }) => {
      const r = repo()
      return r.summary(r.row(id))
    },
    setActive: async ({ id, active }) => {
      const r = repo()
      const row = r.row(id)
      if (row.kind === 'encoder') {
        if (active) r.activateEncoder(id)
        else r.setActiveFlag(id, false)
      } else {
        const head = r.head(id)
        session.require().db.transaction(() => {
          r.setActiveFlag(id, active)
          // An inactive head is skipped by analyses: once it is back, its detections may miss recordings.
          if (!active) r.setConfig(id, { ...head.head, scoredRevision: null })
        })()
      }
      changed(id)
      return r.summary(r.row(id))
    },
    updateHead: async ({ id, thresholds, events: rule }) => {
      const r = repo()
      const head = r.head(id)
      const next = { ...head.head }
      if (thresholds) {
        const byLabel = new Map(thresholds.map((t) => [t.labelId, t.threshold]))
        for (const labelId of byLabel.keys()) {
          if (!head.head.labelIds.includes(labelId)) throw new AppError('INVALID_REQUEST', `label ${labelId} is not one of head ${head.name} ${head.version}'s labels`)
        }
        next.thresholds = head.head.labelIds.map((labelId, i) => byLabel.get(labelId) ?? head.head.thresholds[i])
      }
      if (rule) next.events = rule
      const same = JSON.stringify(next.thresholds) === JSON.stringify(head.head.thresholds) && JSON.stringify(next.events) === JSON.stringify(head.head.events)
      if (!same) {
        next.revision = head.head.revision + 1
        r.setConfig(id, next)
        changed(id)
      }
      return r.summary(r.row(id))
    },
    delete: async ({ id, force }) => {
      const row = repo().row(id)
      remove(row, force === true)
      changed(id)
      events.emit('detections.changed', { recordingIds: null })
      events.emit('project.changed', session.info())
      return null
    },
    addDemo: async (_req, ctx) => {
      const { db, dir } = session.require()
      const id = await ensureDemoEncoder(db, dir, ctx.signal)
      changed(id)
      const r = repo()
      return r.summary(r.row(id))
    },
    engineStatus: async () => probe.status(settings.get()),
  }

  // Workers write models and detections from their own processes; the renderer hears it here.
  const lastRefresh = new Map<number, number>()
  const onJob = (job: JobSnapshot): void => {
    if (job.type !== 'analyze' && job.type !== 'rescore' && job.type !== 'model-import') return
    if (job.status === 'running') {
      if (job.type !== 'analyze') return
      const now = Date.now()
      if (now - (lastRefresh.get(job.id) ?? 0) < DETECTIONS_REFRESH_MS) return
      lastRefresh.set(job.id, now)
      events.emit('detections.changed', { recordingIds: null })
      return
    }
    if (job.status === 'queued') return
    lastRefresh.delete(job.id)
    if (job.type === 'model-import') {
      if (job.status === 'succeeded') changed(null)
      return
    }
    events.emit('detections.changed', { recordingIds: null })
    // Analyses quarantine unreadable files; heads' "needs rescore" flags move.
    if (job.type === 'analyze') events.emit('recordings.changed', { recordingIds: null })
    changed(null)
  }
  const subscriptions: Disposer[] = [events.on('jobs.updated', onJob)]

  return {
    handlers,
    dispose() {
      for (const off of subscriptions.splice(0)) off()
    },
  }
}
