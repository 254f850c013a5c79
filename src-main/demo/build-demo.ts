// Builds the demo project end to end, through the same jobs the app runs: generate the season
// into <project>/recordings, import it, register the demo model (random weights), store the truth
// as imported annotations of a "Demo species" label set (and truth.csv), analyse every recording,
// train a head on the first day's windows, rescore, and measure the detections of the held-out
// days against the truth (demo-report.json).
import type { Database } from 'better-sqlite3'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AnalyzeResult, RescoreResult, type JobParams } from '../../src-shared/contracts'
import { throwIfAborted } from '../errors'
import { AnnotationsRepository } from '../services/annotations-repository'
import { LabelsRepository } from '../services/labels-repository'
import { ensureDemoEncoder } from '../services/models-register'
import { trainDemoHead } from './demo-head'
import { DEMO_DEFAULTS, generateDemoSeason, truthCsv, type DemoSeasonOptions } from './demo-season'
import { evaluateDetections, type DemoEvaluation } from './evaluate-demo'
import { DEMO_SPECIES } from './species'

export const DEMO_REPORT_FILE = 'demo-report.json'
export const DEMO_TRUTH_FILE = 'truth.csv'
export const DEMO_LABEL_SET = 'Demo species'

export interface DemoBuildDeps {
  db: Database
  projectDir: string
  /** Runs a job to completion and returns its result (a failed job throws). */
  runJob(params: JobParams, label: string): Promise<unknown>
  onStep?: (message: string) => void
  onGenerate?: (doneFiles: number, totalFiles: number) => void
  signal?: AbortSignal
}

export interface DemoReport {
  options: Required<Omit<DemoSeasonOptions, 'signal' | 'onProgress'>>
  recordings: number
  calls: number
  encoderId: number
  headId: number
  thresholds: Record<string, number>
  headMetrics: Record<string, unknown>
  analysis: { windows: number; audioSeconds: number; seconds: number }
  /** Detections on the recordings the head was not trained on (every day after the first). */
  heldOut: DemoEvaluation & { recordings: number }
  note: string
}

export async function buildDemoProject(deps: DemoBuildDeps, options: DemoSeasonOptions = {}): Promise<DemoReport> {
  const { db, projectDir, signal } = deps
  const step = deps.onStep ?? (() => {})
  const resolved = { ...DEMO_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'signal' && k !== 'onProgress')) } as DemoReport['options']
  const folder = join(projectDir, 'recordings')

  step(`Generating ${resolved.hours} h of audio at ${resolved.sites} site(s)…`)
  const season = generateDemoSeason(folder, { ...resolved, signal, onProgress: deps.onGenerate })
  writeFileSync(join(projectDir, DEMO_TRUTH_FILE), truthCsv(season, projectDir))
  await deps.runJob({ type: 'import', folders: [folder] }, 'Importing')
  throwIfAborted(signal)

  const encoderId = await ensureDemoEncoder(db, projectDir, signal)
  const labels = new LabelsRepository(db)
  const { set } = labels.setNamed(DEMO_LABEL_SET)
  const labelIds = DEMO_SPECIES.map((s) => labels.upsertLabel(set.id, s.code, { commonName: s.commonName, scientificName: s.scientificName, color: s.color }).label.id)
  const recordingId = new Map((db.prepare('SELECT id, path FROM recordings').all() as { id: number; path: string }[]).map((r) => [r.path, r.id]))
  const annotations = new AnnotationsRepository(db)
  db.transaction(() => {
    for (const c of season.calls) {
      const id = recordingId.get(c.path)
      if (id === undefined) continue
      annotations.create({
        recordingId: id,
        labelId: labelIds[DEMO_SPECIES.findIndex((s) => s.code === c.species)],
        startS: c.startS,
        endS: c.endS,
        lowHz: c.lowHz,
        highHz: c.highHz,
        source: 'imported',
        author: 'demo generator (truth)',
        modelId: null,
        note: null,
      })
    }
  })()

  const t0 = performance.now()
  const analysis = AnalyzeResult.parse(await deps.runJob({ type: 'analyze', encoderId }, 'Analysing'))
  const analysisSeconds = (performance.now() - t0) / 1000
  throwIfAborted(signal)

  step('Training the demo head on the first day…')
  const callsOf = (path: string) => season.calls.filter((c) => c.path === path)
  const trainingDays = season.recordings.filter((r) => r.day === 0)
  const head = await trainDemoHead({
    db,
    projectDir,
    analysisId: analysis.analysisId,
    encoderId,
    labelSetId: set.id,
    species: DEMO_SPECIES.map((s) => s.code),
    labelIds,
    training: trainingDays.flatMap((r) => {
      const id = recordingId.get(r.path)
      return id === undefined ? [] : [{ recordingId: id, calls: callsOf(r.path) }]
    }),
    seed: resolved.seed,
    signal,
  })
  RescoreResult.parse(await deps.runJob({ type: 'rescore', headIds: [head.id] }, 'Scoring'))

  const heldOut = season.recordings.filter((r) => r.day > 0)
  const heldPaths = new Set(heldOut.map((r) => r.path))
  const detections = (
    db
      .prepare('SELECT r.path, l.code AS species, d.start_s AS startS, d.end_s AS endS FROM detections d JOIN recordings r ON r.id = d.recording_id JOIN labels l ON l.id = d.label_id WHERE d.model_id = ?')
      .all(head.id) as { path: string; species: string; startS: number; endS: number }[]
  ).filter((d) => heldPaths.has(d.path))
  const evaluation = evaluateDetections(
    DEMO_SPECIES.map((s) => s.code),
    season.calls.filter((c) => heldPaths.has(c.path)),
    detections,
  )
  const report: DemoReport = {
    options: resolved,
    recordings: season.recordings.length,
    calls: season.calls.length,
    encoderId,
    headId: head.id,
    thresholds: Object.fromEntries(DEMO_SPECIES.map((s, i) => [s.code, head.thresholds[i]])),
    headMetrics: head.metrics,
    analysis: { windows: analysis.windows, audioSeconds: analysis.audioSeconds, seconds: analysisSeconds },
    heldOut: { ...evaluation, recordings: heldOut.length },
    note: 'The encoder has random weights (no pretrained knowledge); the head learns the synthetic calls from its random features. Import a real OpenBEATs checkpoint for real recordings.',
  }
  writeFileSync(join(projectDir, DEMO_REPORT_FILE), JSON.stringify(report, null, 2) + '\n')
  return report
}
