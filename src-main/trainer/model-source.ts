// Where a trainer job's weights come from. The app runs encoders as ONNX packages, the trainer needs
// a PyTorch checkpoint: a model this app trained keeps its checkpoint in its package folder
// (checkpoint.pt); an imported one is read from the file it was imported from, if that file is still
// there unchanged (same sha256). The demo model has random weights and no checkpoint.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { AppError } from '../errors'
import { sha256File } from '../model/checkpoint/file-hash'
import { ModelsRepository, type EncoderRecord } from '../services/models-repository'

/** The PyTorch checkpoint kept beside model.onnx in packages this app trained. */
export const PACKAGE_CHECKPOINT_FILE = 'checkpoint.pt'

/** job.json `model`. */
export interface TrainerModelSpec {
  checkpoint?: string
  config_yaml?: string
  token_list?: string
  architecture?: { preset: string }
  fbank_mean?: number
  fbank_std?: number
}

export interface StartingPoint {
  model: TrainerModelSpec
  encoder: EncoderRecord | null
  /** For provenance: what the run started from. */
  base: Record<string, unknown>
  /** False when the lineage starts from random weights (the demo model, an architecture preset). */
  pretrained: boolean
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

/** The checkpoint (and ESPnet config / token list) the trainer reads for a registered encoder. */
export async function encoderCheckpoint(projectDir: string, repo: ModelsRepository, encoder: EncoderRecord, signal?: AbortSignal): Promise<TrainerModelSpec> {
  const norm = { fbank_mean: encoder.encoder.normalization.mean, fbank_std: encoder.encoder.normalization.std }
  const kept = join(repo.folder(encoder, projectDir), PACKAGE_CHECKPOINT_FILE)
  if (existsSync(kept)) return { checkpoint: kept, ...norm }
  const who = `encoder ${encoder.name} ${encoder.version}`
  const p = encoder.provenance
  const source = text(p.checkpointPath)
  if (!source) {
    const why = p.source === 'demo' ? 'it is the demo model (random weights, generated in the app)' : 'it was not imported from a checkpoint file'
    throw new AppError('MODEL_NOT_FOUND', `${who} has no PyTorch checkpoint for the trainer: ${why}. Import an OpenBEATs checkpoint (Models → Import) or start from random weights`)
  }
  if (!existsSync(source)) throw new AppError('MODEL_NOT_FOUND', `${who} was imported from ${source}, which is gone: import the checkpoint again so the trainer can read it`)
  const expected = text(p.sha256)
  if (expected && (await sha256File(source, signal)) !== expected) {
    throw new AppError('MODEL_INVALID', `${source} changed since ${who} was imported from it (its sha256 differs): import it again`)
  }
  const config = text(p.config)
  const tokens = text(p.tokenList)
  return { checkpoint: source, ...(config ? { config_yaml: config } : {}), ...(tokens ? { token_list: tokens } : {}), ...norm }
}

export async function startingPoint(db: Database, projectDir: string, o: { encoderId?: number; architecture?: string }, signal?: AbortSignal): Promise<StartingPoint> {
  if (o.architecture) {
    return { model: { architecture: { preset: o.architecture } }, encoder: null, base: { kind: 'random-init', preset: o.architecture }, pretrained: false }
  }
  const repo = new ModelsRepository(db)
  const encoder = o.encoderId !== undefined ? repo.encoder(o.encoderId) : repo.defaultEncoder()
  const model = await encoderCheckpoint(projectDir, repo, encoder, signal)
  return {
    model,
    encoder,
    base: { kind: 'encoder', encoderId: encoder.id, name: encoder.name, version: encoder.version, onnxSha256: encoder.encoder.onnxSha256, checkpoint: model.checkpoint },
    pretrained: encoder.encoder.pretrained,
  }
}
