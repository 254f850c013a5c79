// The `labels` domain: label sets (species lists), their labels, and species-list CSV import.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import { parseSpeciesList } from '../season/exchange/species-list'
import { LabelsRepository } from './labels-repository'
import type { ProjectSession } from './project-session'

export function createLabelsHandlers(deps: { session: ProjectSession }): DomainHandlers<Contract['labels'], MainCallContext> {
  let cached: { db: unknown; repo: LabelsRepository } | null = null
  const repo = (): LabelsRepository => {
    const { db } = deps.session.require()
    if (cached?.db !== db) cached = { db, repo: new LabelsRepository(db) }
    return cached.repo
  }
  return {
    sets: async () => repo().sets(),
    createSet: async ({ name, description }) => repo().createSet(name, description ?? null),
    updateSet: async ({ id, ...patch }) => repo().updateSet(id, patch),
    deleteSet: async ({ id }) => {
      repo().deleteSet(id)
      return null
    },
    upsertLabel: async ({ labelSetId, code, ...fields }) => repo().upsertLabel(labelSetId, code, fields).label,
    updateLabel: async ({ id, ...patch }) => repo().updateLabel(id, patch),
    deleteLabel: async ({ id }) => {
      repo().deleteLabel(id)
      return null
    },
    importCsv: async ({ labelSetId, fileName, text }) => {
      repo().set(labelSetId)
      const list = parseSpeciesList(text, fileName)
      const warnings = [...list.warnings]
      const firstLine = new Map<string, number>()
      for (const e of list.entries) {
        const seen = firstLine.get(e.code)
        if (seen === undefined) firstLine.set(e.code, e.line)
        else warnings.push(`${fileName} line ${e.line}: code "${e.code}" already on line ${seen}; this row's names are kept`)
      }
      const counts = repo().importSpecies(labelSetId, list.entries)
      return { added: counts.added, updated: counts.updated, skipped: list.skipped + counts.unchanged, warnings }
    },
  }
}
