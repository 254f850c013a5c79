// The GPU analysis backend (job type gpu-embed): the trainer's `embed` job computes the window
// embeddings of the recordings an analysis still lacks (CUDA, bf16, decoding in parallel worker
// processes), and this job stores them exactly as the onnxruntime `analyze` job does: the same
// analysis (encoder + window/hop), the same per-recording embedding files, the same head scoring and
// detections, committed recording by recording. The trainer groups patches into windows by the
// app's rule (window-pooler.ts), so both engines give the same windows; the window count of every
// recording is checked against that rule before anything is stored.
//
// As the trainer finishes recordings it appends them to output/index.jsonl; they are imported while
// it runs. Cancel or a crash loses nothing committed; a resumed attempt imports what the trainer
// finished but the app had not yet stored, then embeds only what is still pending.
import type { Database } from 'better-sqlite3'
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { GpuEmbedParams, GpuEmbedResult } from '../../src-shared/contracts'
import { AnalysisRepository, type PendingRecording } from '../analysis/analysis-repository'
import { DetectionStore } from '../analysis/detection-store'
import { EmbeddingFileWriter, embeddingsFile } from '../analysis/embedding-files'
import { RecordingScorer } from '../analysis/recording-scorer'
import { loadScoringHeads, type ScoringHead } from '../analysis/scoring-heads'
import { checkUnchanged } from '../analysis/unchanged-recording'
import { checkWindowGrid, type WindowGrid } from '../analysis/window-grid'
import { AppError, throwIfAborted, toErrorData } from '../errors'
import { SAMPLE_RATE, SAMPLES_PER_TIME_PATCH } from '../model/embed/chunker'
import { ModelsRepository, type EncoderRecord } from '../services/models-repository'
import { writeJsonFileAtomic } from '../runtime/json-file'
import { jobFolder } from './job-folder'
import { encoderCheckpoint } from './model-source'
import { readNpyMatrix } from './npy-reader'
import { runJobFile, type TrainerJobContext } from './trainer-job-context'

const Checkpoint = z.object({ version: z.literal(1), analysisId: z.number().int().positive(), alreadyAnalysed: z.number().int().min(0) })

const IndexEntry = z.object({
  id: z.string(),
  status: z.enum(['ok', 'error']),
  duration_s: z.number().optional(),
  time_patches: z.number().int().optional(),
  windows: z.number().int().optional(),
  embeddings: z.string().optional(),
  scores: z.string().nullable().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
}).passthrough()

/** Windows of a recording of T time patches under the app's centre rule (window-pooler.ts). */
export function windowCountFor(timePatches: number, grid: WindowGrid): number {
  if (timePatches <= 0) return 0
  const hop = Math.round(grid.hopS * SAMPLE_RATE)
  return Math.floor((SAMPLES_PER_TIME_PATCH * (timePatches - 1) + 1400) / hop) + 1
}

const itemId = (recordingId: number) => `r${recordingId}`

/** Stores what the trainer has finished: reads index.jsonl from where it stopped last time. */
class IndexImporter {
  private offset = 0
  private carry = ''
  private readonly analyses: AnalysisRepository
  private readonly detections: DetectionStore
  readonly tallies = { analysed: 0, failed: 0, windows: 0, audioSeconds: 0 }

  constructor(
    private readonly x: {
      db: Database
      projectDir: string
      outputDir: string
      analysisId: number
      dim: number
      grid: WindowGrid
      jobId: number
      pending: Map<string, PendingRecording>
      heads: readonly ScoringHead[]
      scorer: RecordingScorer
      log: TrainerJobContext['log']
    },
  ) {
    this.analyses = new AnalysisRepository(x.db)
    this.detections = new DetectionStore(x.db)
  }

  /** Imports every complete line appended since the last call. */
  importNew(): void {
    const path = join(this.x.outputDir, 'index.jsonl')
    if (!existsSync(path)) return
    const size = statSync(path).size
    if (size <= this.offset) return
    const fd = openSync(path, 'r')
    const buf = Buffer.alloc(size - this.offset)
    try {
      readSync(fd, buf, 0, buf.length, this.offset)
    } finally {
      closeSync(fd)
    }
    this.offset = size
    const text = this.carry + buf.toString('utf8')
    const lines = text.split('\n')
    this.carry = lines.pop() ?? ''
    for (const line of lines) if (line.trim()) this.importLine(line)
  }

  private importLine(line: string): void {
    let parsed
    try {
      parsed = IndexEntry.safeParse(JSON.parse(line))
    } catch {
      parsed = null
    }
    if (!parsed?.success) {
      this.x.log('warn', `ignored a malformed line of the trainer's index: ${line.slice(0, 200)}`)
      return
    }
    const e = parsed.data
    const rec = this.x.pending.get(e.id)
    if (!rec) return
    this.x.pending.delete(e.id)
    if (e.status === 'error') {
      const code = e.error?.code ?? 'INTERNAL'
      const message = e.error?.message ?? 'the trainer could not read it'
      if (code.startsWith('AUDIO_')) {
        this.analyses.markFailed({ analysisId: this.x.analysisId, recordingId: rec.id, fingerprint: rec.fingerprint, code, message, jobId: this.x.jobId })
        this.tallies.failed++
        this.x.log('warn', `quarantined ${rec.path}: ${code}: ${message}`)
      } else {
        this.x.log('warn', `${rec.path} was not embedded (${code}: ${message}); it stays pending`)
      }
      return
    }
    this.store(rec, e)
  }

  private store(rec: PendingRecording, e: z.infer<typeof IndexEntry>): void {
    const { dim, grid } = this.x
    if (!e.embeddings || e.time_patches === undefined) throw new AppError('WORKER_PROTOCOL', `the trainer's index entry for ${rec.path} lacks its embeddings`)
    const npy = join(this.x.outputDir, e.embeddings)
    const m = readNpyMatrix(npy)
    const expected = windowCountFor(e.time_patches, grid)
    if (m.columns !== dim || m.rows !== expected) {
      throw new AppError('EMBEDDING_INVALID', `the trainer gave ${m.rows}×${m.columns} window embeddings for ${rec.path}; ${e.time_patches} time patches make ${expected}×${dim} in the app`)
    }
    if (!m.data.every(Number.isFinite)) throw new AppError('EMBEDDING_INVALID', `the trainer's embeddings of ${rec.path} are not all finite`)
    const audioSeconds = e.duration_s ?? rec.durationS
    const writer = new EmbeddingFileWriter(embeddingsFile(this.x.projectDir, this.x.analysisId, rec.id), dim)
    let sha: string
    try {
      for (let w = 0; w < m.rows; w++) writer.append(m.data.subarray(w * dim, (w + 1) * dim))
      sha = writer.commit()
    } catch (err) {
      writer.abort()
      throw err
    }
    this.x.scorer.begin(rec.id)
    this.x.scorer.pushAll(m.data, m.rows)
    const detections = this.x.scorer.finish(audioSeconds)
    const now = new Date().toISOString()
    this.x.db.transaction(() => {
      this.x.heads.forEach((h, k) => this.detections.replace(h.id, rec.id, detections[k], this.x.jobId, now))
      this.analyses.markDone({ analysisId: this.x.analysisId, recordingId: rec.id, fingerprint: rec.fingerprint, windows: m.rows, audioS: audioSeconds, sha256: sha, jobId: this.x.jobId })
    }).immediate()
    rmSync(npy, { force: true })
    if (e.scores) rmSync(join(this.x.outputDir, e.scores), { force: true })
    this.tallies.analysed++
    this.tallies.windows += m.rows
    this.tallies.audioSeconds += audioSeconds
  }
}

function summarise(db: Database, jobId: number, analysisId: number, heads: readonly ScoringHead[]) {
  const done = db
    .prepare("SELECT count(*) AS n, coalesce(sum(windows), 0) AS windows, coalesce(sum(audio_s), 0) AS audio FROM analysed_recordings WHERE analysis_id = ? AND job_id = ? AND status = 'done'")
    .get(analysisId, jobId) as { n: number; windows: number; audio: number }
  const failed = db
    .prepare(
      `SELECT ar.recording_id AS recordingId, r.path, ar.error_code AS code, ar.error AS reason FROM analysed_recordings ar JOIN recordings r ON r.id = ar.recording_id
       WHERE ar.analysis_id = ? AND ar.job_id = ? AND ar.status = 'failed' ORDER BY ar.recording_id`,
    )
    .all(analysisId, jobId) as GpuEmbedResult['failed']
  const count = db.prepare(
    `SELECT count(*) FROM detections d JOIN analysed_recordings ar ON ar.recording_id = d.recording_id AND ar.analysis_id = ?
     WHERE d.model_id = ? AND ar.job_id = ?`,
  ).pluck()
  const perHead = heads.map((h) => ({ id: h.id, name: h.name, version: h.version, detections: count.get(analysisId, h.id, jobId) as number }))
  return { analysed: done.n, windows: done.windows, audioSeconds: done.audio, failed, heads: perHead, detections: perHead.reduce((a, h) => a + h.detections, 0) }
}

export async function runGpuEmbedJob(ctx: TrainerJobContext, params: GpuEmbedParams): Promise<GpuEmbedResult> {
  const { db, projectDir } = ctx
  const folder = jobFolder(projectDir, ctx.jobId)
  const repo = new ModelsRepository(db)
  const encoder: EncoderRecord = params.encoderId !== undefined ? repo.encoder(params.encoderId) : repo.defaultEncoder()
  const grid: WindowGrid = { windowS: params.windowS ?? encoder.encoder.windowS, hopS: params.hopS ?? encoder.encoder.hopS }
  checkWindowGrid(grid)
  const model = await encoderCheckpoint(projectDir, repo, encoder, ctx.signal)
  const dim = encoder.encoder.dim
  const analyses = new AnalysisRepository(db)
  const analysis = analyses.findOrCreate(encoder.id, grid, dim, {
    onnxSha256: encoder.encoder.onnxSha256,
    normalization: encoder.encoder.normalization,
    chunkPatches: 62,
    pooling: 'mean of the time patches whose centre lies in the window, over all 8 frequency patches',
  })
  const resumed = Checkpoint.safeParse(ctx.resumeFrom)
  const alreadyAnalysed = resumed.success && resumed.data.analysisId === analysis.id ? resumed.data.alreadyAnalysed : analyses.doneCount(analysis.id)
  const { heads, skipped: skippedHeads } = loadScoringHeads(db, projectDir, encoder, grid)
  for (const s of skippedHeads) ctx.log('warn', `head ${s.name} not scored: ${s.reason}`)

  const all = analyses.pending(analysis.id, params.recordingIds)
  const pending = new Map(all.filter((r) => r.timeExpansion === 1).map((r) => [itemId(r.id), r]))
  const skipped = all.length - pending.size
  if (skipped > 0) ctx.log('warn', `${skipped} time-expanded recording(s) left for the onnxruntime analysis (the trainer reads files at their header's rate)`)
  const scorer = new RecordingScorer(heads, dim, grid, { analysisId: analysis.id, encoderId: encoder.id, encoder: `${encoder.name} ${encoder.version}`, ...grid })
  const importer = new IndexImporter({ db, projectDir, outputDir: folder.output, analysisId: analysis.id, dim, grid, jobId: ctx.jobId, pending, heads, scorer, log: ctx.log })
  let throughput: Record<string, unknown> = {}
  let device = 'cpu'
  let precision = 'fp32'
  try {
    // What an earlier attempt's trainer finished but this app had not stored yet.
    importer.importNew()
    ctx.checkpoint({ version: 1, analysisId: analysis.id, alreadyAnalysed })
    for (const [id, r] of [...pending]) {
      throwIfAborted(ctx.signal)
      try {
        await checkUnchanged(r)
      } catch (err) {
        const e = toErrorData(err)
        if (!e.code.startsWith('AUDIO_')) throw err
        analyses.markFailed({ analysisId: analysis.id, recordingId: r.id, fingerprint: r.fingerprint, code: e.code, message: e.message, jobId: ctx.jobId })
        ctx.log('warn', `quarantined ${r.path}: ${e.code}: ${e.message}`)
        pending.delete(id)
      }
    }
    const todo = [...pending.values()]
    const totalSeconds = todo.reduce((s, r) => s + r.durationS, 0)
    ctx.log('info', `${resumed.success ? 'Resuming: ' : ''}${todo.length} recording(s), ${(totalSeconds / 3600).toFixed(2)} h, with ${encoder.name} ${encoder.version} on the trainer (${grid.windowS} s windows every ${grid.hopS} s) and ${heads.length} head(s)`)
    if (todo.length > 0) {
      throwIfAborted(ctx.signal)
      mkdirSync(folder.root, { recursive: true })
      const hparams: Record<string, unknown> = {
        window_s: grid.windowS,
        hop_s: grid.hopS,
        chunk_patches: 62,
        layer: encoder.encoder.hiddenLayer ?? -1,
        progress_interval_s: 1,
        ...(params.batchSize !== undefined ? { batch_size: params.batchSize } : {}),
        ...(params.precision !== undefined ? { precision: params.precision } : {}),
        ...(params.numWorkers !== undefined ? { num_workers: params.numWorkers } : {}),
      }
      writeJsonFileAtomic(folder.jobFile, {
        type: 'embed',
        output_dir: 'output',
        data: { items: todo.map((r) => ({ id: itemId(r.id), path: r.path })) },
        hparams,
        model,
        device: params.device ?? 'auto',
        seed: params.seed ?? 0,
        resume: existsSync(folder.output),
      })
      const done = await runJobFile(ctx, {
        jobFile: folder.jobFile,
        cwd: folder.root,
        what: 'GPU embedding',
        onProgress: (p, slow) => {
          importer.importNew()
          ctx.checkpoint({ version: 1, analysisId: analysis.id, alreadyAnalysed })
          const rate = p.audio_s_per_s != null ? ` · ${p.audio_s_per_s.toFixed(0)} audio-s/s` : ''
          ctx.progress(Math.min(p.audio_s ?? 0, totalSeconds), totalSeconds, 'audio-s', `${slow ? 'CPU (slow) · ' : ''}${p.step}/${p.total ?? todo.length} files${rate}`)
        },
      })
      importer.importNew()
      if (done.status === 'cancelled') throw new AppError('CANCELLED', `GPU embedding stopped after ${importer.tallies.analysed} recording(s); resuming embeds the rest`)
      throughput = done.throughput ?? {}
      device = String(throughput.device ?? device)
      precision = String(throughput.precision ?? precision)
      const t = throughput
      const rate = (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : '?')
      const stage = (k: string) => (t[k] && typeof t[k] === 'object' ? (t[k] as Record<string, unknown>) : {})
      ctx.log('info', `throughput on ${device} (${precision}): ${rate(t.overall_audio_s_per_s)} audio-s/s overall; decode ${rate(stage('decode').audio_s_per_s_per_worker)}/worker, fbank ${rate(stage('fbank').audio_s_per_s ?? stage('fbank').audio_s_per_s_per_worker)}, encoder ${rate(stage('encoder').audio_s_per_s)} audio-s/s`)
      const left = pending.size
      if (left > 0) ctx.log('warn', `${left} recording(s) were not embedded by the trainer; they stay pending`)
      rmSync(folder.output, { recursive: true, force: true })
    }
  } finally {
    scorer.dispose()
  }
  for (const h of heads) {
    const record = repo.head(h.id)
    if (record.head.revision !== h.revision) continue
    if (record.head.scoredRevision === h.revision || alreadyAnalysed === 0) repo.markScored(h.id, h.revision)
  }
  const s = summarise(db, ctx.jobId, analysis.id, heads)
  return { analysisId: analysis.id, encoderId: encoder.id, ...grid, ...s, alreadyAnalysed, skipped, device, precision, throughput }
}
