// The analyze job's work: for every recording not yet analysed with this encoder and window/hop,
// stream → 16 kHz → fbank → encoder → window embeddings (stored) → every active head of the
// encoder that reads these windows → detections above per-label thresholds, merged into events.
//
// Units of work are recordings, each committed in one transaction after its embeddings file is in
// place (see embedding-files.ts); what is committed is never redone and what is not is redone from
// scratch, so a job killed at any moment and resumed ends with the same rows and bytes as one that
// never stopped (given the same thread count: onnxruntime's CPU kernels are deterministic for a
// fixed number of intra-op threads, checked by test/analysis/determinism.test.ts). A recording
// that cannot be decoded is recorded as failed and quarantined, and the batch goes on.
import type { Database } from 'better-sqlite3'
import { availableParallelism } from 'node:os'
import { z } from 'zod'
import type { AnalysisFailure, AnalyzeParams, AnalyzeResult } from '../../src-shared/contracts'
import { stream16k } from '../audio'
import { AppError, fromErrorData, throwIfAborted, toErrorData } from '../errors'
import { embedStream } from '../model/embed/embed-file'
import type { EncoderEngine, EngineOptions } from '../model/engine/encoder-engine'
import type { ProviderName } from '../model/engine/providers'
import type { FbankNormalization } from '../model/types'
import { streamFromThread } from '../jobs/worker-thread'
import { readModelPackage } from '../model/package/read-package'
import { ModelsRepository, type EncoderRecord } from '../services/models-repository'
import { AnalysisRepository, type PendingRecording } from './analysis-repository'
import { stream16kOnThread } from './audio-thread'
import { DetectionStore } from './detection-store'
import { defaultInferenceThreads } from './inference-threads'
import { EmbeddingFileWriter, embeddingsFile, removePartialFiles } from './embedding-files'
import { RecordingScorer } from './recording-scorer'
import { dealRecordings, isUnreadableAudio, LANE_STOP_MS, lanesFor, type LaneItem, type LaneRequest, type LaneSide } from './embed-lanes'
import { checkUnchanged } from './unchanged-recording'
import { loadScoringHeads, type ScoringHead } from './scoring-heads'
import { checkWindowGrid, type WindowGrid } from './window-grid'

type AnalyzeRequest = Omit<z.input<typeof AnalyzeParams>, 'type'>

export type EngineFactory = (modelDir: string, opts: EngineOptions) => Promise<EncoderEngine>

export interface AnalyzeOptions {
  db: Database
  projectDir: string
  params: AnalyzeRequest
  /** The job the work is done for (stored on rows); null outside the job system. */
  jobId: number | null
  signal?: AbortSignal
  resumeFrom?: unknown
  /** The decode worker-thread entry (see audio-thread.ts); null or absent: decode on this thread. */
  decodeThread?: string | null
  /**
   * When to decode on that thread: 'auto' (default) only when a core is left over beside the
   * encoder's threads — measured on 2 cores, a decode thread competing with both encoder threads
   * made whole analyses slower, not faster (see the analyze bench); 'always' / 'never' force it.
   */
  decodeOnThread?: 'auto' | 'always' | 'never'
  /**
   * The analysis-lane worker-thread entry (see embed-lanes.ts); null or absent: no lanes. Used
   * only when the encoder runs on the CPU with ≥ 2 threads and no `createEngine` is given.
   */
  embedLane?: string | null
  createEngine?: EngineFactory
  onProgress?: (done: number, total: number | null, unit: string, message: string) => void
  onCheckpoint?: (state: AnalyzeCheckpoint) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

export const AnalyzeCheckpoint = z.object({
  version: z.literal(1),
  analysisId: z.number().int().positive(),
  threads: z.number().int().positive(),
  provider: z.string(),
  alreadyAnalysed: z.number().int().min(0),
})
export type AnalyzeCheckpoint = z.infer<typeof AnalyzeCheckpoint>

function providersFor(choice: string | undefined): readonly ProviderName[] | undefined {
  if (!choice || choice === 'auto') return undefined
  return [choice as ProviderName]
}

async function defaultEngine(modelDir: string, opts: EngineOptions): Promise<EncoderEngine> {
  const { createEncoderEngine } = await import('../model/engine/encoder-engine')
  return createEncoderEngine(modelDir, opts)
}

interface Tallies {
  analysed: number
  windows: number
  audioSeconds: number
  detections: number
  perHead: Map<number, number>
  failed: AnalysisFailure[]
}

export async function analyzeRecordings(o: AnalyzeOptions): Promise<AnalyzeResult> {
  const { db, projectDir, params, signal } = o
  const log = o.log ?? (() => {})
  const resumed = o.resumeFrom ? AnalyzeCheckpoint.safeParse(o.resumeFrom) : null
  const checkpoint = resumed?.success ? resumed.data : null
  const models = new ModelsRepository(db)
  const analyses = new AnalysisRepository(db)
  const store = new DetectionStore(db)

  const encoder: EncoderRecord = params.encoderId !== undefined ? models.encoder(params.encoderId) : models.defaultEncoder()
  const grid: WindowGrid = { windowS: params.windowS ?? encoder.encoder.windowS, hopS: params.hopS ?? encoder.encoder.hopS }
  checkWindowGrid(grid)
  const pkg = await readModelPackage(models.folder(encoder, projectDir), { signal })
  if (pkg.manifest.onnxSha256 !== encoder.encoder.onnxSha256) throw new AppError('MODEL_INVALID', `the package of encoder ${encoder.name} ${encoder.version} was replaced on disk (its hash changed)`)
  const threads = params.threads ?? checkpoint?.threads ?? defaultInferenceThreads()
  const analysis = analyses.findOrCreate(encoder.id, grid, encoder.encoder.dim, {
    onnxSha256: encoder.encoder.onnxSha256,
    normalization: encoder.encoder.normalization,
    chunkPatches: 62,
    pooling: 'mean of the time patches whose centre lies in the window, over all 8 frequency patches',
  })
  const stale = removePartialFiles(projectDir, analysis.id)
  if (stale > 0) log('info', `removed ${stale} unfinished embeddings file(s) of an interrupted run`)
  const alreadyAnalysed = checkpoint?.analysisId === analysis.id ? checkpoint.alreadyAnalysed : analyses.doneCount(analysis.id)
  const { heads, skipped } = loadScoringHeads(db, projectDir, encoder, grid)
  for (const s of skipped) log('warn', `head ${s.name} not scored: ${s.reason}`)
  const pending = analyses.pending(analysis.id, params.recordingIds)
  const totalSeconds = pending.reduce((s, r) => s + r.durationS, 0)
  log('info', `${checkpoint ? 'Resuming: ' : ''}${pending.length} recording(s), ${(totalSeconds / 3600).toFixed(2)} h, with ${encoder.name} ${encoder.version} (${grid.windowS} s windows every ${grid.hopS} s) and ${heads.length} head(s)`)

  const tallies: Tallies = { analysed: 0, windows: 0, audioSeconds: 0, detections: 0, perHead: new Map(heads.map((h) => [h.id, 0])), failed: [] }
  const report = (done: number, files: number, message?: string) => {
    o.onProgress?.(done, totalSeconds, 'audio-s', message ?? `${files}/${pending.length} files · ${(done / 3600).toFixed(2)}/${(totalSeconds / 3600).toFixed(2)} h of audio`)
  }
  report(0, 0)

  const policy = o.decodeOnThread ?? 'auto'
  const decodeThread = o.decodeThread && (policy === 'always' || (policy === 'auto' && availableParallelism() > threads)) ? o.decodeThread : null
  let provider = checkpoint?.provider ?? 'cpu'
  if (pending.length > 0) {
    // onnxruntime's idle threads spin between runs unless a decode thread shares their cores: with
    // decoding and fbank inline on this thread, a spinning pool thread takes nothing from them and
    // wakes at once for the next run (the analyze bench: ~9 % more audio-s/s on 2 cores); next to
    // a decode thread on the same cores it would busy-wait on the core the decoder needs.
    const spinning = decodeThread === null || availableParallelism() > threads
    let engine: EncoderEngine | null = await (o.createEngine ?? defaultEngine)(pkg.dir, { threads, providers: providersFor(params.provider), spinning, verify: false, signal })
    provider = engine.provider.used
    if (engine.provider.notice) log('warn', engine.provider.notice)
    const scorerFor = () => new RecordingScorer(heads, encoder.encoder.dim, grid, { analysisId: analysis.id, encoderId: encoder.id, encoder: `${encoder.name} ${encoder.version}`, ...grid })
    let doneSeconds = 0
    let files = 0
    const tally = (rec: PendingRecording, outcome: RecordingOutcome) => {
      if (outcome.ok) {
        tallies.analysed++
        tallies.windows += outcome.windows
        tallies.audioSeconds += outcome.audioSeconds
        outcome.perHead.forEach((n, k) => {
          tallies.detections += n
          tallies.perHead.set(heads[k].id, (tallies.perHead.get(heads[k].id) ?? 0) + n)
        })
      } else {
        tallies.failed.push(outcome.failure)
        log('warn', `quarantined ${rec.path}: ${outcome.failure.code}: ${outcome.failure.reason}`)
      }
      doneSeconds += rec.durationS
      report(doneSeconds, ++files)
      o.onCheckpoint?.({ version: 1, analysisId: analysis.id, threads, provider, alreadyAnalysed })
    }
    try {
      const layout = lanesFor(threads, encoder.encoder.dim)
      if (o.embedLane && !o.createEngine && provider === 'cpu' && layout.lanes > 1 && pending.length > 1) {
        const probe = engine
        engine = null
        await probe.dispose()
        log('info', `${layout.lanes} recordings at a time, each with ${layout.threadsPerLane} encoder thread(s)`)
        await runLanes({ o, heads, analysisId: analysis.id, store, analyses }, o.embedLane, layout, pending, {
          modelDir: pkg.dir,
          windowS: grid.windowS,
          hopS: grid.hopS,
          normalization: encoder.encoder.normalization,
          dim: encoder.encoder.dim,
          scorerFor,
          onSeconds: (inFlight) => report(doneSeconds + inFlight, files),
          onOutcome: tally,
        })
      } else {
        const scorer = scorerFor()
        try {
          for (let i = 0; i < pending.length; i++) {
            throwIfAborted(signal)
            const rec = pending[i]
            const outcome = await analyzeOne({ o, rec, engine, scorer, heads, grid, analysisId: analysis.id, encoder, store, analyses, decodeThread, onSeconds: (s) => report(doneSeconds + Math.min(s, rec.durationS), i) })
            tally(rec, outcome)
          }
        } finally {
          scorer.dispose()
        }
      }
    } finally {
      await engine?.dispose()
    }
  }

  // Heads whose detections now reflect their current settings on every analysed recording.
  for (const h of heads) {
    const record = models.head(h.id)
    if (record.head.revision !== h.revision) continue
    if (record.head.scoredRevision === h.revision || alreadyAnalysed === 0) models.markScored(h.id, h.revision)
  }
  return summarise(db, o.jobId, { analysisId: analysis.id, encoder, grid, alreadyAnalysed, heads, skipped, provider, threads, tallies })
}

interface RecordingOutcomeOk {
  ok: true
  windows: number
  audioSeconds: number
  perHead: number[]
}

type RecordingOutcome = RecordingOutcomeOk | { ok: false; failure: AnalysisFailure }

/** What committing or failing one recording needs, with or without lanes. */
interface RecordingSink {
  o: AnalyzeOptions
  heads: readonly ScoringHead[]
  analysisId: number
  store: DetectionStore
  analyses: AnalysisRepository
}

interface OneRecording extends RecordingSink {
  rec: PendingRecording
  engine: EncoderEngine
  scorer: RecordingScorer
  grid: WindowGrid
  encoder: EncoderRecord
  decodeThread: string | null
  onSeconds: (seconds: number) => void
}

/** A recording that could not be decoded is marked failed (quarantined); any other error ends the job. */
function failedRecording(x: RecordingSink, rec: PendingRecording, err: unknown): RecordingOutcome {
  const e = toErrorData(err)
  if (!isUnreadableAudio(e.code)) throw err
  x.analyses.markFailed({ analysisId: x.analysisId, recordingId: rec.id, fingerprint: rec.fingerprint, code: e.code, message: e.message, jobId: x.o.jobId })
  return { ok: false, failure: { recordingId: rec.id, path: rec.path, code: e.code, reason: e.message } }
}

/** The embeddings file in place, then the detections and the recording's row in one transaction. */
function commitRecording(x: RecordingSink, rec: PendingRecording, writer: EmbeddingFileWriter, scorer: RecordingScorer, audioSeconds: number): RecordingOutcome {
  const windows = writer.windows
  let sha: string
  try {
    sha = writer.commit()
  } catch (err) {
    writer.abort()
    throw new AppError('INTERNAL', `cannot store the embeddings of ${rec.path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  const detections = scorer.finish(audioSeconds)
  const now = new Date().toISOString()
  x.o.db.transaction(() => {
    x.heads.forEach((h, k) => x.store.replace(h.id, rec.id, detections[k], x.o.jobId, now))
    x.analyses.markDone({ analysisId: x.analysisId, recordingId: rec.id, fingerprint: rec.fingerprint, windows, audioS: audioSeconds, sha256: sha, jobId: x.o.jobId })
  }).immediate()
  return { ok: true, windows, audioSeconds, perHead: detections.map((d) => d.length) }
}

async function analyzeOne(x: OneRecording): Promise<RecordingOutcome> {
  const { o, rec, engine, scorer, grid } = x
  const signal = o.signal
  const writer = new EmbeddingFileWriter(embeddingsFile(o.projectDir, x.analysisId, rec.id), engine.dim)
  scorer.begin(rec.id)
  const warn = (m: string) => o.log?.('warn', `${rec.path}: ${m}`)
  let audioSeconds: number
  try {
    await checkUnchanged(rec)
    const decodeOpts = { timeExpansion: rec.timeExpansion, signal, onWarning: warn }
    const blocks = x.decodeThread ? stream16kOnThread(x.decodeThread, { path: rec.path, timeExpansion: rec.timeExpansion }, decodeOpts) : stream16k(rec.path, decodeOpts)
    const result = await embedStream(blocks, engine, {
      windowSeconds: grid.windowS,
      hopSeconds: grid.hopS,
      normalization: x.encoder.encoder.normalization,
      signal,
      ...(o.params.batchSize ? { batchSize: o.params.batchSize } : {}),
      onProgress: (p) => x.onSeconds(p.doneSeconds),
      onWindow: (w) => {
        // Files hold windows 0, 1, 2 … in order; the pooler guarantees it for windows ≥ 0.2 s.
        if (w.index !== writer.windows) throw new AppError('INTERNAL', `${rec.path}: window ${w.index} came after ${writer.windows} windows`)
        writer.append(w.embedding)
        scorer.push(w.embedding)
      },
    })
    audioSeconds = result.durationSeconds
  } catch (err) {
    writer.abort()
    return failedRecording(x, rec, err)
  }
  return commitRecording(x, rec, writer, scorer, audioSeconds)
}

interface LaneRun extends RecordingSink {
  entry: string
  request: LaneRequest
  scorer: RecordingScorer
  dim: number
  signal: AbortSignal
  onSeconds: (rec: PendingRecording, seconds: number) => void
  onOutcome: (rec: PendingRecording, outcome: RecordingOutcome) => void
}

/** The job thread's side of one lane: write, score and commit each recording the lane embeds. */
async function consumeLane(x: LaneRun): Promise<void> {
  const byId = new Map(x.request.recordings.map((r) => [r.id, r]))
  let open: { rec: PendingRecording; writer: EmbeddingFileWriter } | null = null
  const recording = (id: number) => {
    if (open?.rec.id === id) return open
    open?.writer.abort()
    const rec = byId.get(id)
    if (!rec) throw new AppError('INTERNAL', `an analysis lane sent recording ${id}, which it was not given`)
    x.scorer.begin(id)
    open = { rec, writer: new EmbeddingFileWriter(embeddingsFile(x.o.projectDir, x.analysisId, id), x.dim) }
    return open
  }
  try {
    const items = streamFromThread<LaneItem, LaneSide>(x.entry, x.request, {
      what: 'an analysis lane',
      unfinished: 'before its recordings were done',
      signal: x.signal,
      stopGracefully: LANE_STOP_MS,
      onSide: (m) => {
        const rec = byId.get(m.rec)
        if (!rec) return
        if (m.t === 'warning') x.o.log?.('warn', `${rec.path}: ${m.message}`)
        else x.onSeconds(rec, m.seconds)
      },
    })
    for await (const item of items) {
      const { rec, writer } = recording(item.rec)
      if (item.t === 'windows') {
        for (let i = 0; i < item.count; i++) {
          const embedding = item.data.subarray(i * x.dim, (i + 1) * x.dim)
          writer.append(embedding)
          x.scorer.push(embedding)
        }
        continue
      }
      open = null
      byId.delete(rec.id)
      if (item.t === 'done') x.onOutcome(rec, commitRecording(x, rec, writer, x.scorer, item.audioSeconds))
      else {
        writer.abort()
        x.onOutcome(rec, failedRecording(x, rec, fromErrorData(item.error)))
      }
    }
    const left = [...byId.values()]
    if (left.length > 0) throw new AppError('INTERNAL', `an analysis lane ended without ${left.map((r) => r.path).join(', ')}`)
  } finally {
    ;(open as { writer: EmbeddingFileWriter } | null)?.writer.abort()
  }
}

interface LaneSettings {
  modelDir: string
  windowS: number
  hopS: number
  normalization: FbankNormalization
  dim: number
  scorerFor: () => RecordingScorer
  /** Seconds of audio done in the recordings the lanes are working on. */
  onSeconds: (inFlight: number) => void
  onOutcome: (rec: PendingRecording, outcome: RecordingOutcome) => void
}

/**
 * The recordings dealt to lanes (embed-lanes.ts), each lane's results committed here as they come.
 * The first lane that fails stops the others; the job then fails with that lane's error.
 */
async function runLanes(sink: RecordingSink, entry: string, layout: { lanes: number; threadsPerLane: number }, pending: readonly PendingRecording[], s: LaneSettings): Promise<void> {
  const { signal } = sink.o
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted) stop.abort()
  const progress = new Map<number, number>()
  let firstError: unknown = null
  const scorers: RecordingScorer[] = []
  try {
    const parts = dealRecordings(pending, layout.lanes)
    await Promise.allSettled(
      parts.map((recordings) => {
        const scorer = s.scorerFor()
        scorers.push(scorer)
        const batchSize = sink.o.params.batchSize
        const request: LaneRequest = { modelDir: s.modelDir, threads: layout.threadsPerLane, windowS: s.windowS, hopS: s.hopS, normalization: s.normalization, ...(batchSize ? { batchSize } : {}), recordings }
        return consumeLane({
          ...sink,
          entry,
          request,
          scorer,
          dim: s.dim,
          signal: stop.signal,
          onSeconds: (rec, seconds) => {
            progress.set(rec.id, Math.min(seconds, rec.durationS))
            let inFlight = 0
            for (const v of progress.values()) inFlight += v
            s.onSeconds(inFlight)
          },
          onOutcome: (rec, outcome) => {
            progress.delete(rec.id)
            s.onOutcome(rec, outcome)
          },
        }).catch((err: unknown) => {
          firstError ??= err
          stop.abort()
        })
      }),
    )
  } finally {
    signal?.removeEventListener('abort', onAbort)
    for (const scorer of scorers) scorer.dispose()
  }
  throwIfAborted(signal)
  if (firstError) throw firstError
}

interface SummaryInput {
  analysisId: number
  encoder: EncoderRecord
  grid: WindowGrid
  alreadyAnalysed: number
  heads: readonly ScoringHead[]
  skipped: readonly { id: number; name: string; reason: string }[]
  provider: string
  threads: number
  tallies: Tallies
}

/** The job's result; for a job, counted from the rows it wrote (every attempt, crash or not). */
function summarise(db: Database, jobId: number | null, s: SummaryInput): AnalyzeResult {
  const t = s.tallies
  let analysed = t.analysed
  let windows = t.windows
  let audioSeconds = t.audioSeconds
  let failed = t.failed
  const perHead = new Map(t.perHead)
  if (jobId !== null) {
    const done = db
      .prepare("SELECT count(*) AS n, coalesce(sum(windows), 0) AS windows, coalesce(sum(audio_s), 0) AS audio FROM analysed_recordings WHERE analysis_id = ? AND job_id = ? AND status = 'done'")
      .get(s.analysisId, jobId) as { n: number; windows: number; audio: number }
    analysed = done.n
    windows = done.windows
    audioSeconds = done.audio
    failed = db
      .prepare(
        `SELECT ar.recording_id AS recordingId, r.path, ar.error_code AS code, ar.error AS reason FROM analysed_recordings ar JOIN recordings r ON r.id = ar.recording_id
         WHERE ar.analysis_id = ? AND ar.job_id = ? AND ar.status = 'failed' ORDER BY ar.recording_id`,
      )
      .all(s.analysisId, jobId) as AnalysisFailure[]
    const count = db.prepare(
      `SELECT count(*) FROM detections d JOIN analysed_recordings ar ON ar.recording_id = d.recording_id AND ar.analysis_id = ?
       WHERE d.model_id = ? AND ar.job_id = ?`,
    ).pluck()
    for (const h of s.heads) perHead.set(h.id, count.get(s.analysisId, h.id, jobId) as number)
  }
  return {
    analysisId: s.analysisId,
    encoderId: s.encoder.id,
    ...s.grid,
    analysed,
    alreadyAnalysed: s.alreadyAnalysed,
    failed,
    windows,
    audioSeconds,
    detections: [...perHead.values()].reduce((a, b) => a + b, 0),
    heads: s.heads.map((h) => ({ id: h.id, name: h.name, version: h.version, detections: perHead.get(h.id) ?? 0 })),
    skippedHeads: [...s.skipped],
    provider: s.provider,
    threads: s.threads,
  }
}
