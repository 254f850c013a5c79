// Label sets (species lists) and their labels.
import { z } from 'zod'
import { method } from './define'
import { Empty, Id, Nothing } from './common'

export const Label = z.object({
  id: Id,
  labelSetId: Id,
  code: z.string(),
  scientificName: z.string().nullable(),
  commonName: z.string().nullable(),
  color: z.string().nullable(),
  sortOrder: z.number().int(),
})
export type Label = z.infer<typeof Label>

export const LabelSet = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  labels: z.array(Label),
  createdAt: z.string(),
})
export type LabelSet = z.infer<typeof LabelSet>

const Code = z.string().trim().min(1).max(64)
const Name = z.string().max(200)
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/)

export const labelsContract = {
  sets: method(Empty, z.array(LabelSet)),
  createSet: method(z.object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).optional() }).strict(), LabelSet),
  updateSet: method(z.object({ id: Id, name: z.string().trim().min(1).max(200).optional(), description: z.string().max(2000).nullable().optional() }).strict(), LabelSet),
  deleteSet: method(z.object({ id: Id }).strict(), Nothing),
  /** Create or update (by code within the set). */
  upsertLabel: method(
    z.object({ labelSetId: Id, code: Code, scientificName: Name.nullable().optional(), commonName: Name.nullable().optional(), color: Color.nullable().optional() }).strict(),
    Label,
  ),
  updateLabel: method(
    z.object({ id: Id, code: Code.optional(), scientificName: Name.nullable().optional(), commonName: Name.nullable().optional(), color: Color.nullable().optional(), sortOrder: z.number().int().optional() }).strict(),
    Label,
  ),
  /** LABEL_IN_USE when annotations or detections refer to it. */
  deleteLabel: method(z.object({ id: Id }).strict(), Nothing),
  /** Species list CSV (code, scientific name, common name; header optional; , ; or tab). */
  importCsv: method(
    z.object({ labelSetId: Id, fileName: z.string().max(500), text: z.string().max(5_000_000) }).strict(),
    z.object({ added: z.number().int(), updated: z.number().int(), skipped: z.number().int(), warnings: z.array(z.string()) }),
  ),
}
