// Annotations: time segments or time–frequency boxes on a recording.
import { z } from 'zod'
import { method } from './define'
import { Id, Nothing } from './common'

export const AnnotationSource = z.enum(['manual', 'imported', 'model', 'review'])
export type AnnotationSource = z.infer<typeof AnnotationSource>

export const Annotation = z.object({
  id: Id,
  recordingId: Id,
  labelId: Id,
  startS: z.number(),
  endS: z.number(),
  /** both null = a time segment; both set = a box */
  lowHz: z.number().nullable(),
  highHz: z.number().nullable(),
  source: AnnotationSource,
  author: z.string().nullable(),
  modelId: Id.nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Annotation = z.infer<typeof Annotation>

const Seconds = z.number().finite().min(0).max(1e8)
const Hz = z.number().finite().min(0).max(10_000_000)

const AnnotationFields = z.object({
  labelId: Id,
  startS: Seconds,
  endS: Seconds,
  lowHz: Hz.nullable(),
  highHz: Hz.nullable(),
  note: z.string().max(2000).nullable(),
})

export const AnnotationImportReport = z.object({
  fileName: z.string(),
  format: z.string(),
  imported: z.number().int(),
  skipped: z.number().int(),
  /** rows past the end of the audio, unknown files, bad numbers … each with the line/reason */
  problems: z.array(z.string()),
  createdLabels: z.array(z.string()),
})
export type AnnotationImportReport = z.infer<typeof AnnotationImportReport>

export const annotationsContract = {
  list: method(z.object({ recordingId: Id }).strict(), z.array(Annotation)),
  create: method(
    AnnotationFields.extend({ recordingId: Id, lowHz: Hz.nullable().optional(), highHz: Hz.nullable().optional(), note: z.string().max(2000).nullable().optional() }).strict(),
    Annotation,
  ),
  update: method(z.object({ id: Id, patch: AnnotationFields.partial().strict() }).strict(), Annotation),
  /** Returns the deleted annotation so the UI can undo by re-creating it. */
  delete: method(z.object({ id: Id }).strict(), Annotation),
  /** Re-create a deleted annotation with its original fields (undo of delete); returns it with a new id. */
  restore: method(z.object({ annotation: Annotation }).strict(), Annotation),
  /**
   * Import a Raven / Audacity / BirdNET file given as text (the renderer reads the file, so no
   * path crosses). Target: one recording, or match each row's file name against the project.
   */
  importText: method(
    z.object({
      fileName: z.string().min(1).max(500),
      text: z.string().max(50_000_000),
      target: z.union([z.object({ recordingId: Id }).strict(), z.object({ matchByName: z.literal(true) }).strict()]),
      /** Labels are looked up (by code, then name) in this set, else in every set; new ones are created here, else in "Imported labels". */
      labelSetId: Id.optional(),
    }).strict(),
    AnnotationImportReport,
  ),
  clearRecording: method(z.object({ recordingId: Id, source: AnnotationSource.optional() }).strict(), z.object({ deleted: z.number().int() })),
}

export type { Nothing }
