// A model package zip, to share a head (and, if wanted, its encoder) between projects:
//
//   openbeats-package.json   this manifest: what is inside, and the size and sha256 of every file
//   head/head.json           the head package as the project stores it (analysis/head-package.ts)
//   head/training.json       its stored evaluation (and training-set report), when it has one
//   encoder/manifest.json    the encoder's model package (model/package/manifest.ts) …
//   encoder/model.onnx       … when the encoder travels with the head, or for an encoder package
//
// The head is tied to its encoder by the ONNX file's sha256 and to labels by code; ids of the
// exporting project never matter on import.
import { z } from 'zod'
import { EventRule, HeadEvaluation, HeadTask, TrainingReport } from '../../../src-shared/contracts'

export const PACKAGE_MANIFEST = 'openbeats-package.json'
export const HEAD_JSON = 'head/head.json'
export const TRAINING_JSON = 'head/training.json'
export const ENCODER_MANIFEST = 'encoder/manifest.json'
export const ENCODER_ONNX = 'encoder/model.onnx'
export const PACKAGE_FILES = [HEAD_JSON, TRAINING_JSON, ENCODER_MANIFEST, ENCODER_ONNX] as const

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/)

export const PackageManifestSchema = z.object({
  format: z.literal('openbeats-model-package'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  appVersion: z.string(),
  files: z.array(z.object({ path: z.enum(PACKAGE_FILES), bytes: z.number().int().min(0), sha256: Sha256 })).min(1),
  encoder: z.object({
    name: z.string().min(1).max(200),
    version: z.string().min(1).max(200),
    onnxSha256: Sha256,
    dim: z.number().int().positive(),
    /** Whether encoder/ files are in the zip. */
    included: z.boolean(),
  }),
  head: z
    .object({
      name: z.string().min(1).max(200),
      version: z.string().min(1).max(200),
      labelSetName: z.string().nullable(),
      labels: z.array(z.object({ code: z.string().min(1).max(64), commonName: z.string().nullable(), scientificName: z.string().nullable() })).min(1),
      task: HeadTask,
      windowS: z.number().positive(),
      hopS: z.number().positive(),
      /** The scoring settings in use when exported (may differ from head.json's defaults). */
      thresholds: z.array(z.number().min(0).max(1)).min(1),
      events: EventRule,
      metrics: z.record(z.string(), z.unknown()),
      provenance: z.record(z.string(), z.unknown()),
    })
    .nullable(),
})
export type PackageManifest = z.infer<typeof PackageManifestSchema>

/** head/training.json: the evaluation as stored, labels by code. */
export const PackageTrainingSchema = z.object({
  evaluation: HeadEvaluation,
  report: TrainingReport.nullable(),
})
export type PackageTraining = z.infer<typeof PackageTrainingSchema>
