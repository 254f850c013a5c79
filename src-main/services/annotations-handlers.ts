// The `annotations` domain: list/create/update/delete/restore on one recording, text imports, and
// clearing a recording. Every change says `annotations.changed` (another window may show the same
// recording) and moves the project's counts.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import { importAnnotationText } from './annotations-import'
import { AnnotationsRepository } from './annotations-repository'
import type { EventBus } from './event-bus'
import type { ProjectSession } from './project-session'

export function createAnnotationsHandlers(deps: { session: ProjectSession; events: EventBus }): DomainHandlers<Contract['annotations'], MainCallContext> {
  const { session, events } = deps
  let cached: { db: unknown; repo: AnnotationsRepository } | null = null
  const repo = (): AnnotationsRepository => {
    const { db } = session.require()
    if (cached?.db !== db) cached = { db, repo: new AnnotationsRepository(db) }
    return cached.repo
  }
  const changed = (recordingId: number | null): void => {
    events.emit('annotations.changed', { recordingId })
    events.emit('project.changed', session.info())
  }

  return {
    list: async ({ recordingId }) => repo().list(recordingId),
    create: async (req) => {
      const a = repo().create({
        recordingId: req.recordingId,
        labelId: req.labelId,
        startS: req.startS,
        endS: req.endS,
        lowHz: req.lowHz ?? null,
        highHz: req.highHz ?? null,
        note: req.note ?? null,
        source: 'manual',
        author: null,
        modelId: null,
      })
      changed(a.recordingId)
      return a
    },
    update: async ({ id, patch }) => {
      const a = repo().update(id, patch)
      changed(a.recordingId)
      return a
    },
    delete: async ({ id }) => {
      const a = repo().delete(id)
      changed(a.recordingId)
      return a
    },
    restore: async ({ annotation: a }) => {
      const restored = repo().create({
        recordingId: a.recordingId,
        labelId: a.labelId,
        startS: a.startS,
        endS: a.endS,
        lowHz: a.lowHz,
        highHz: a.highHz,
        source: a.source,
        author: a.author,
        modelId: a.modelId,
        note: a.note,
        createdAt: a.createdAt,
      })
      changed(restored.recordingId)
      return restored
    },
    importText: async (req) => {
      const { db } = session.require()
      const { report, recordingIds } = importAnnotationText(db, req)
      if (report.imported > 0) {
        for (const id of recordingIds) events.emit('annotations.changed', { recordingId: id })
        events.emit('recordings.changed', { recordingIds })
        events.emit('project.changed', session.info())
      }
      return report
    },
    clearRecording: async ({ recordingId, source }) => {
      const deleted = repo().clear(recordingId, source)
      if (deleted > 0) changed(recordingId)
      return { deleted }
    },
  }
}
