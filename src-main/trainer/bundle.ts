// Training beyond this machine: a bundle folder to copy to a cluster (the trainer package, job.json
// with the data manifest, run.sh with the exact torchrun command — written by the trainer's own
// bundle helper) plus openbeats-bundle.json, the app's record of what the bundle was planned from
// (project labels, base model, data hash), so its result imports back onto the right labels.
import type { Database } from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import type { BundleResult, TrainingJobParams } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { writeJsonFileAtomic } from '../runtime/json-file'
import { trainerEnv } from './trainer-location'
import { runTrainerProcess, trainerFailure } from './trainer-process'
import { planTraining } from './training-job'

export const BUNDLE_RECORD_FILE = 'openbeats-bundle.json'

export const BundleRecord = z.object({
  format: z.literal('openbeats-bundle/1'),
  createdAt: z.string(),
  type: z.enum(['finetune', 'pretrain', 'tokenizer']),
  name: z.string().nullable(),
  labels: z.object({ labelSetId: z.number().int(), labelIds: z.array(z.number().int()) }).nullable(),
  labelCodes: z.array(z.string()),
  base: z.record(z.string(), z.unknown()),
  pretrained: z.boolean(),
  dataSha256: z.string(),
  hparams: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
})
export type BundleRecord = z.infer<typeof BundleRecord>

const BundleOutputs = z.object({ dir: z.string(), command: z.string(), job: z.string() })

export interface ExportBundleOptions {
  db: Database
  projectDir: string
  params: TrainingJobParams
  outDir: string
  copyAudio: boolean
  nprocPerNode: number
  python: string
  trainerDir: string
  signal?: AbortSignal
}

export async function exportBundle(o: ExportBundleOptions): Promise<BundleResult> {
  const { job, plan } = await planTraining({ db: o.db, projectDir: o.projectDir, signal: o.signal ?? new AbortController().signal }, o.params, 'output')
  const staging = mkdtempSync(join(tmpdir(), 'openbeats-bundle-'))
  try {
    const jobFile = join(staging, 'job.json')
    writeJsonFileAtomic(jobFile, job)
    const args = ['-m', 'openbeats_trainer.bundle', jobFile, o.outDir, '--nproc-per-node', String(o.nprocPerNode), ...(o.copyAudio ? ['--copy-audio'] : [])]
    const exit = await runTrainerProcess({ python: o.python, args, cwd: staging, env: trainerEnv(o.trainerDir), signal: o.signal, graceMs: 2_000 })
    if (exit.aborted) throw new AppError('CANCELLED', `writing the bundle to ${o.outDir} was cancelled`)
    const outputs = BundleOutputs.safeParse(exit.done?.outputs)
    if (exit.done?.status !== 'completed' || !outputs.success) throw trainerFailure(exit, 'bundle helper')
    const record: BundleRecord = {
      format: 'openbeats-bundle/1',
      createdAt: new Date().toISOString(),
      type: plan.type,
      name: plan.name,
      labels: plan.labels,
      labelCodes: job.data.labels,
      base: plan.base,
      pretrained: plan.pretrained,
      dataSha256: plan.data.sha256,
      hparams: plan.hparams,
      seed: plan.seed,
    }
    writeJsonFileAtomic(join(outputs.data.dir, BUNDLE_RECORD_FILE), record)
    return { dir: outputs.data.dir, command: outputs.data.command, jobFile: outputs.data.job, items: job.data.items.length, copiedAudio: o.copyAudio, data: plan.data }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** The record of the bundle a checkpoint came from: `<bundle>/output/model.pt` → `<bundle>/openbeats-bundle.json`. */
export function bundleRecordFor(checkpointPath: string): string[] {
  const dir = dirname(checkpointPath)
  return [join(dirname(dir), BUNDLE_RECORD_FILE), join(dir, BUNDLE_RECORD_FILE)]
}
