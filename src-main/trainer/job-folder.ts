// The files of one trainer job, under <project>/cache/trainer/<job id>/: job.json (what the
// trainer runs), plan.json (what the app decided: data summary, label mapping, base model),
// history.jsonl (every progress, metrics and checkpoint line, for charts), output/ (the trainer's
// output_dir: checkpoints, metrics, embeddings) and probe/ (the parity run on a generated clip).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { z } from 'zod'
import { AppError } from '../errors'

export const TRAINER_CACHE_DIR = join('cache', 'trainer')

export interface JobFolder {
  root: string
  jobFile: string
  plan: string
  history: string
  output: string
  probe: string
}

export function jobFolder(projectDir: string, jobId: number): JobFolder {
  const root = join(projectDir, TRAINER_CACHE_DIR, String(jobId))
  return { root, jobFile: join(root, 'job.json'), plan: join(root, 'plan.json'), history: join(root, 'history.jsonl'), output: join(root, 'output'), probe: join(root, 'probe') }
}

/** A JSON file this app wrote earlier, parsed with its schema (a damaged file is an error that names it). */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, what: string): T {
  if (!existsSync(path)) throw new AppError('NOT_FOUND', `${what} ${path} is missing`)
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new AppError('INVALID_REQUEST', `${what} ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new AppError('INVALID_REQUEST', `${what} ${path} is malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return parsed.data
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
  }
  return value
}

/** sha256 of the JSON with sorted keys: the same data always hashes the same. */
export function jsonSha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex')
}
