// Label sets (species lists) and their labels. Codes are unique within a set; a label that
// annotations or detections use cannot be deleted (LABEL_IN_USE says how many use it).
import type { Database, Statement } from 'better-sqlite3'
import type { Label, LabelSet } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { SpeciesEntry } from '../season/exchange/species-list'

interface LabelRow {
  id: number
  label_set_id: number
  code: string
  scientific_name: string | null
  common_name: string | null
  color: string | null
  sort_order: number
}

interface SetRow {
  id: number
  name: string
  description: string | null
  created_at: string
}

export interface LabelFields {
  code?: string
  scientificName?: string | null
  commonName?: string | null
  color?: string | null
  sortOrder?: number
}

const LABEL_COLUMNS = 'id, label_set_id, code, scientific_name, common_name, color, sort_order'

function toLabel(row: LabelRow): Label {
  return {
    id: row.id,
    labelSetId: row.label_set_id,
    code: row.code,
    scientificName: row.scientific_name,
    commonName: row.common_name,
    color: row.color,
    sortOrder: row.sort_order,
  }
}

export class LabelsRepository {
  private readonly setsStmt: Statement<[], SetRow>
  private readonly setStmt: Statement<[number], SetRow>
  private readonly setByName: Statement<[string], SetRow>
  private readonly allLabels: Statement<[], LabelRow>
  private readonly labelsOfSet: Statement<[number], LabelRow>
  private readonly labelStmt: Statement<[number], LabelRow>
  private readonly labelByCode: Statement<[number, string], LabelRow>
  private readonly nextOrder: Statement<[number], { next: number }>
  private readonly insertLabel: Statement<[number, string, string | null, string | null, string | null, number]>
  private readonly usage: Statement<[number, number], { annotations: number; detections: number }>

  constructor(private readonly db: Database) {
    this.setsStmt = db.prepare('SELECT id, name, description, created_at FROM label_sets ORDER BY name COLLATE NOCASE, id')
    this.setStmt = db.prepare('SELECT id, name, description, created_at FROM label_sets WHERE id = ?')
    this.setByName = db.prepare('SELECT id, name, description, created_at FROM label_sets WHERE name = ?')
    this.allLabels = db.prepare(`SELECT ${LABEL_COLUMNS} FROM labels ORDER BY label_set_id, sort_order, code COLLATE NOCASE, id`)
    this.labelsOfSet = db.prepare(`SELECT ${LABEL_COLUMNS} FROM labels WHERE label_set_id = ? ORDER BY sort_order, code COLLATE NOCASE, id`)
    this.labelStmt = db.prepare(`SELECT ${LABEL_COLUMNS} FROM labels WHERE id = ?`)
    this.labelByCode = db.prepare(`SELECT ${LABEL_COLUMNS} FROM labels WHERE label_set_id = ? AND code = ?`)
    this.nextOrder = db.prepare('SELECT coalesce(max(sort_order) + 1, 0) AS next FROM labels WHERE label_set_id = ?')
    this.insertLabel = db.prepare('INSERT INTO labels (label_set_id, code, scientific_name, common_name, color, sort_order) VALUES (?, ?, ?, ?, ?, ?)')
    this.usage = db.prepare(`SELECT (SELECT count(*) FROM annotations WHERE label_id = ?) AS annotations,
      (SELECT count(*) FROM detections WHERE label_id = ?) AS detections`)
  }

  sets(): LabelSet[] {
    const bySet = new Map<number, Label[]>()
    for (const row of this.allLabels.all()) {
      const list = bySet.get(row.label_set_id) ?? []
      list.push(toLabel(row))
      bySet.set(row.label_set_id, list)
    }
    return this.setsStmt.all().map((s) => ({ id: s.id, name: s.name, description: s.description, createdAt: s.created_at, labels: bySet.get(s.id) ?? [] }))
  }

  set(id: number): LabelSet {
    const s = this.setStmt.get(id)
    if (!s) throw new AppError('NOT_FOUND', `label set ${id} does not exist in this project`)
    return { id: s.id, name: s.name, description: s.description, createdAt: s.created_at, labels: this.labels(id) }
  }

  labels(setId: number): Label[] {
    return this.labelsOfSet.all(setId).map(toLabel)
  }

  label(id: number): Label {
    const row = this.labelStmt.get(id)
    if (!row) throw new AppError('NOT_FOUND', `label ${id} does not exist in this project`)
    return toLabel(row)
  }

  createSet(name: string, description: string | null = null): LabelSet {
    if (this.setByName.get(name)) throw new AppError('INVALID_REQUEST', `a label set called "${name}" already exists`)
    const id = Number(this.db.prepare('INSERT INTO label_sets (name, description, created_at) VALUES (?, ?, ?)').run(name, description, new Date().toISOString()).lastInsertRowid)
    return this.set(id)
  }

  /** The set with this name, created when missing (e.g. "Imported labels"). */
  setNamed(name: string): { set: LabelSet; created: boolean } {
    const existing = this.setByName.get(name)
    return existing ? { set: this.set(existing.id), created: false } : { set: this.createSet(name), created: true }
  }

  updateSet(id: number, patch: { name?: string; description?: string | null }): LabelSet {
    this.set(id)
    if (patch.name !== undefined) {
      const other = this.setByName.get(patch.name)
      if (other && other.id !== id) throw new AppError('INVALID_REQUEST', `a label set called "${patch.name}" already exists`)
      this.db.prepare('UPDATE label_sets SET name = ? WHERE id = ?').run(patch.name, id)
    }
    if (patch.description !== undefined) this.db.prepare('UPDATE label_sets SET description = ? WHERE id = ?').run(patch.description, id)
    return this.set(id)
  }

  deleteSet(id: number): void {
    const set = this.set(id)
    const used = set.labels.map((l) => ({ label: l, ...this.usage.get(l.id, l.id) as { annotations: number; detections: number } })).filter((u) => u.annotations + u.detections > 0)
    if (used.length > 0) {
      const annotations = used.reduce((s, u) => s + u.annotations, 0)
      const detections = used.reduce((s, u) => s + u.detections, 0)
      throw new AppError('LABEL_IN_USE', `label set "${set.name}" cannot be deleted: ${used.length} of its labels are used by ${annotations} annotation(s) and ${detections} detection(s)`, {
        labelIds: used.map((u) => u.label.id),
      })
    }
    this.db.prepare('DELETE FROM label_sets WHERE id = ?').run(id)
  }

  /** Creates the label or updates the given fields of the one with this code in the set. */
  upsertLabel(setId: number, code: string, fields: Omit<LabelFields, 'code' | 'sortOrder'>): { label: Label; created: boolean; changed: boolean } {
    if (!this.setStmt.get(setId)) throw new AppError('NOT_FOUND', `label set ${setId} does not exist in this project`)
    const existing = this.labelByCode.get(setId, code)
    if (!existing) {
      const order = (this.nextOrder.get(setId) as { next: number }).next
      const id = Number(this.insertLabel.run(setId, code, fields.scientificName ?? null, fields.commonName ?? null, fields.color ?? null, order).lastInsertRowid)
      return { label: this.label(id), created: true, changed: true }
    }
    const before = toLabel(existing)
    const label = this.updateLabel(existing.id, fields)
    const changed = before.scientificName !== label.scientificName || before.commonName !== label.commonName || before.color !== label.color
    return { label, created: false, changed }
  }

  updateLabel(id: number, patch: LabelFields): Label {
    const current = this.label(id)
    if (patch.code !== undefined && patch.code !== current.code && this.labelByCode.get(current.labelSetId, patch.code)) {
      throw new AppError('INVALID_REQUEST', `label set ${current.labelSetId} already has a label with code "${patch.code}"`)
    }
    const columns: Record<keyof LabelFields, string> = { code: 'code', scientificName: 'scientific_name', commonName: 'common_name', color: 'color', sortOrder: 'sort_order' }
    const sets: string[] = []
    const values: Record<string, string | number | null> = { id }
    for (const key of Object.keys(columns) as (keyof LabelFields)[]) {
      if (patch[key] === undefined) continue
      sets.push(`${columns[key]} = @${key}`)
      values[key] = patch[key] ?? null
    }
    if (sets.length > 0) this.db.prepare(`UPDATE labels SET ${sets.join(', ')} WHERE id = @id`).run(values)
    return this.label(id)
  }

  deleteLabel(id: number): void {
    const label = this.label(id)
    const use = this.usage.get(id, id) as { annotations: number; detections: number }
    if (use.annotations + use.detections > 0) {
      throw new AppError('LABEL_IN_USE', `label "${label.code}" is used by ${use.annotations} annotation(s) and ${use.detections} detection(s); relabel or delete them first`, use)
    }
    this.db.prepare('DELETE FROM labels WHERE id = ?').run(id)
  }

  /** A species list into a set: new codes added, known codes updated where a name changed. */
  importSpecies(setId: number, entries: readonly SpeciesEntry[]): { added: number; updated: number; unchanged: number } {
    const counts = { added: 0, updated: 0, unchanged: 0 }
    this.db.transaction(() => {
      for (const e of entries) {
        const fields = { ...(e.scientificName !== undefined ? { scientificName: e.scientificName } : {}), ...(e.commonName !== undefined ? { commonName: e.commonName } : {}) }
        const r = this.upsertLabel(setId, e.code, fields)
        if (r.created) counts.added += 1
        else if (r.changed) counts.updated += 1
        else counts.unchanged += 1
      }
    })()
    return counts
  }
}
