// A small project for the trainer tests: real main services, recordings of generated tone calls
// (a 500 Hz "low" and a 3 kHz "high" call in every recording) imported into the project, a label
// set with both labels and an annotation per call.
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { MainCallContext } from '../../src-main/ipc/router'
import type { SqliteDatabase } from '../../src-main/db/connection'
import { importSeason } from '../../src-main/season/import/import-season'
import { writeFloatWav } from '../../src-main/trainer/probe-clip'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

export const SYSTEM_PYTHON = '/usr/bin/python3'

/** Whether /usr/bin/python3 has torch (the real-trainer tests skip with a message otherwise). */
export const hasTorch = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0
export const NO_TORCH = `${SYSTEM_PYTHON} with torch not found — install python3-torch to run the real-trainer tests`

const RATE = 16_000

/** Seeded noise with a low (500 Hz) call at [0.5, 1.3) s and a high (3 kHz) call at [2.2, 3.0) s (`shift` moves both). */
export function callSignal(seconds: number, seed: number, shift = 0): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE))
  let s = seed >>> 0 || 1
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    let v = 0.02 * (s / 2 ** 32 - 0.5)
    if (t >= 0.5 + shift && t < 1.3 + shift) v += 0.3 * Math.sin(2 * Math.PI * 500 * t)
    if (t >= 2.2 + shift && t < 3.0 + shift) v += 0.3 * Math.sin(2 * Math.PI * 3000 * t)
    out[i] = v
  }
  return out
}

export interface TrainerProject {
  root: string
  projectDir: string
  services: ReturnType<typeof createTestServices>
  call: MainCallContext
  db(): SqliteDatabase
  labelSetId: number
  low: number
  high: number
  recordingIds: number[]
  cleanup(): Promise<void>
}

export async function trainerProject(opts: { recordings?: number; seconds?: number } = {}): Promise<TrainerProject> {
  const t = tempDir('obs-trainer-')
  const services = createTestServices({ dataDir: join(t.path, 'data') })
  const call = testContext()
  const projectDir = join(t.path, 'project')
  await services.handlers.projects.create({ dir: projectDir, name: 'Trainer' }, call)
  const audio = join(t.path, 'audio')
  mkdirSync(audio)
  const n = opts.recordings ?? 4
  for (let i = 0; i < n; i++) writeFloatWav(join(audio, `rec${i}.wav`), callSignal(opts.seconds ?? 4, 100 + i, 0.1 * i))
  const db = () => services.session.require().db
  await importSeason(db(), { folders: [audio] })
  const set = await services.handlers.labels.createSet({ name: 'Tones' }, call)
  const low = (await services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'low' }, call)).id
  const high = (await services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'high' }, call)).id
  const recordingIds = (db().prepare('SELECT id FROM recordings ORDER BY path').pluck().all() as number[])
  for (const [i, recordingId] of recordingIds.entries()) {
    const shift = 0.1 * i
    await services.handlers.annotations.create({ recordingId, labelId: low, startS: 0.5 + shift, endS: 1.3 + shift }, call)
    await services.handlers.annotations.create({ recordingId, labelId: high, startS: 2.2 + shift, endS: 3.0 + shift }, call)
  }
  return {
    root: t.path,
    projectDir,
    services,
    call,
    db,
    labelSetId: set.id,
    low,
    high,
    recordingIds,
    cleanup: async () => {
      await services.dispose()
      t.cleanup()
    },
  }
}
