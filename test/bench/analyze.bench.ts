// The analyze and rescore jobs' work, in process: audio-s/s of whole analyses (decode, resample,
// fbank, encoder, window pooling, embedding files, head scoring, DB writes) against the encoder
// alone on the same 62-patch chunks, for the demo model and a Base-size model, decoding inline or
// on a worker thread, and (demo model) two recordings at a time on lane threads; rescoring a
// million stored windows; and the peak RSS of analysing a 2-hour 384 kHz recording (a sparse
// file), measured in a child process.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { analyzeRecordings } from '../../src-main/analysis/analyze-recordings'
import { decodeThreadEntry } from '../../src-main/analysis/audio-thread'
import { embedLaneEntry } from '../../src-main/analysis/embed-lanes'
import { embeddingsFile, readEmbeddings } from '../../src-main/analysis/embedding-files'
import { RecordingScorer } from '../../src-main/analysis/recording-scorer'
import { rescoreHeads } from '../../src-main/analysis/rescore-heads'
import { scoreThreadEntry } from '../../src-main/analysis/score-thread'
import { loadScoringHeads } from '../../src-main/analysis/scoring-heads'
import { AnalysisRepository } from '../../src-main/analysis/analysis-repository'
import { computeFbank } from '../../src-main/features/fbank'
import { writeRandomModel } from '../../src-main/model/demo/demo-model'
import { chunkSamples, DEFAULT_CHUNK_PATCHES, SAMPLES_PER_TIME_PATCH } from '../../src-main/model/embed/chunker'
import { createEncoderEngine, type EncoderEngine } from '../../src-main/model/engine/encoder-engine'
import { DEFAULT_NORMALIZATION } from '../../src-main/model/types'
import { scoreHead } from '../../src-main/heads/head-scorer'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { addRandomHead } from '../analysis/analysis-project'
import { baseModelDir } from '../model/demo/bench-models'
import { benchProject, syntheticAnalysis, writeBusyWav, writeSparseWav, type BenchProject } from './analyze-project'
import { timedEngine } from './timed-engine'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

const THREADS = 2
const RATE = 48_000
const CHUNK_HOP_SECONDS = (DEFAULT_CHUNK_PATCHES * SAMPLES_PER_TIME_PATCH) / 16_000
const DECODE_THREAD = decodeThreadEntry(join(__dirname, '..', '..', 'src-main', 'workers'))
const EMBED_LANE = embedLaneEntry(join(__dirname, '..', '..', 'src-main', 'workers'))

/** The normalised fbank of one 62-patch chunk of a synthetic signal: the encoder-only rows' input. */
function chunkFbank(): { data: Float32Array; frames: number } {
  const chunk = new Float32Array(chunkSamples(DEFAULT_CHUNK_PATCHES)).map((_, i) => 0.2 * Math.sin(i * 0.9) * Math.sin(i * 0.0007))
  return computeFbank(chunk, DEFAULT_NORMALIZATION)
}

async function encoderOnly(engine: EncoderEngine): Promise<BenchResult> {
  const { data, frames } = chunkFbank()
  const t = await timeIt(() => engine.run(data, 1, frames), { minRuns: 6, minSeconds: 4 })
  return { value: CHUNK_HOP_SECONDS / t.best, unit: 'audio-s/s', note: `62-patch chunks; best of ${t.runs}, median ${(CHUNK_HOP_SECONDS / t.median).toFixed(1)}` }
}

/**
 * The encoder alone timed the way a whole analysis is: every chunk of the same amount of audio
 * run back to back, best of 2 such passes (the baseline row is the best single chunk).
 */
async function encoderSustained(engine: EncoderEngine, chunks: number): Promise<BenchResult> {
  const { data, frames } = chunkFbank()
  let best = Infinity
  for (let pass = 0; pass < 2; pass++) {
    const t0 = performance.now()
    for (let c = 0; c < chunks; c++) await engine.run(data, 1, frames)
    best = Math.min(best, (performance.now() - t0) / 1000)
  }
  return { value: (chunks * CHUNK_HOP_SECONDS) / best, unit: 'audio-s/s', note: `${chunks} chunks per pass, best of 2 passes (the statistic the analysis rows use)` }
}

/**
 * A whole analysis of the project's recordings (the engine made once, outside the timing). The
 * note gives the share of the wall time the encoder was busy: whole-analysis ÷ encoder-only under
 * the same machine load, which the separate baseline row cannot give on a shared machine.
 */
async function analysis(p: BenchProject, engines: { spinning: EncoderEngine; quiet: EncoderEngine }, decodeThread: string | null, threads = THREADS): Promise<BenchResult> {
  let busy = 0
  let spinning = true
  // the engine the job asks for (spinning threads or not), made once outside the timing
  const timed = async (_dir: string, opts: { spinning?: boolean }): Promise<EncoderEngine> => {
    spinning = opts.spinning !== false
    const engine = spinning ? engines.spinning : engines.quiet
    // the job disposes its engine; these two serve every run
    return { ...timedEngine(engine, (ms) => (busy += ms)), dispose: async () => {} }
  }
  let best = { seconds: Infinity, busy: 0 }
  let audio = 0
  let windows = 0
  for (let run = 0; run < 2; run++) {
    p.db.exec('DELETE FROM detections; DELETE FROM analysed_recordings;')
    busy = 0
    const t0 = performance.now()
    const r = await analyzeRecordings({ db: p.db, projectDir: p.dir, params: { threads, provider: 'cpu' }, jobId: null, decodeThread, decodeOnThread: 'always', createEngine: timed })
    const seconds = (performance.now() - t0) / 1000
    if (seconds < best.seconds) best = { seconds, busy: busy / 1000 / seconds }
    audio = r.audioSeconds
    windows = r.windows
  }
  return {
    value: audio / best.seconds,
    unit: 'audio-s/s',
    note: `${(audio / 60).toFixed(0)} min of 48 kHz audio, ${windows} windows + 1 head, decode ${decodeThread ? 'on a worker thread' : 'inline'}, encoder threads ${spinning ? 'spinning' : 'sleeping'} between runs; encoder busy ${(100 * best.busy).toFixed(0)} % of the run; best of 2`,
  }
}

/** A whole analysis as the job runs it on 2 cores: two recordings at a time on lane threads, 1 encoder thread each. */
async function lanesAnalysis(p: BenchProject): Promise<BenchResult> {
  let best = Infinity
  let audio = 0
  let layout = ''
  for (let run = 0; run < 2; run++) {
    p.db.exec('DELETE FROM detections; DELETE FROM analysed_recordings;')
    const t0 = performance.now()
    const r = await analyzeRecordings({ db: p.db, projectDir: p.dir, params: { threads: THREADS, provider: 'cpu' }, jobId: null, embedLane: EMBED_LANE, log: (_l, m) => (m.includes('at a time') ? (layout = m) : undefined) })
    best = Math.min(best, (performance.now() - t0) / 1000)
    audio = r.audioSeconds
  }
  if (!layout) throw new Error('the analysis did not run on lanes')
  return { value: audio / best, unit: 'audio-s/s', note: `${layout}; each lane decodes its own files; sessions made inside the timing; best of 2` }
}

async function analysisGroup(title: string, root: string, modelDir: string, files: number, seconds: number, lanes: boolean): Promise<BenchGroup> {
  const audio = join(root, 'audio')
  mkdirSync(audio, { recursive: true })
  for (let i = 0; i < files; i++) writeBusyWav(join(audio, `f${i}.wav`), RATE, seconds, i + 1)
  const p = await benchProject(join(root, 'project'), audio, modelDir)
  addRandomHead(p)
  const engine = await createEncoderEngine(modelDir, { threads: THREADS, providers: ['cpu'] })
  // The analyze job lets idle threads spin unless a decode thread shares their cores (see analyze-recordings.ts).
  const quiet = await createEncoderEngine(modelDir, { threads: THREADS, providers: ['cpu'], spinning: false })
  const single = await createEncoderEngine(modelDir, { threads: 1, providers: ['cpu'], spinning: false })
  const chunks = Math.floor((files * seconds) / CHUNK_HOP_SECONDS)
  return {
    title,
    target: 'whole analysis ≥ 0.9× encoder-only',
    cases: [
      { name: 'encoder only, fp32, batch 1', baseline: true, run: () => encoderOnly(engine) },
      { name: 'encoder only, threads not spinning', run: () => encoderOnly(quiet) },
      { name: `encoder only, the analysis's ${chunks} chunks back to back`, run: () => encoderSustained(engine, chunks) },
      { name: `analysis, decode inline${lanes ? '' : ' (the job on 2 cores)'}`, run: () => analysis(p, { spinning: engine, quiet }, null) },
      { name: 'analysis, decode on a worker thread', run: () => analysis(p, { spinning: engine, quiet }, DECODE_THREAD) },
      { name: 'analysis, 1 encoder thread + decode thread', run: () => analysis(p, { spinning: single, quiet: single }, DECODE_THREAD, 1) },
      ...(lanes ? [{ name: 'analysis on 2 lanes × 1 encoder thread (the job on 2 cores)', run: () => lanesAnalysis(p) }] : []),
    ],
  }
}

const SCORE_THREAD = scoreThreadEntry(join(__dirname, '..', '..', 'src-main', 'workers'))

/** Seconds of the best of `runs` rescores, each after `prepare`; reading and scoring on `scoreThread` when given. */
async function timedRescore(p: BenchProject, headId: number, runs: number, prepare: (run: number) => void, scoreThread: string | null = null): Promise<{ best: number; detections: number }> {
  let best = Infinity
  let detections = 0
  for (let run = 0; run < runs; run++) {
    prepare(run)
    const t0 = performance.now()
    const r = await rescoreHeads({ db: p.db, projectDir: p.dir, headIds: [headId], jobId: null, scoreThread })
    best = Math.min(best, (performance.now() - t0) / 1000)
    detections = r.detections
  }
  return { best, detections }
}

async function rescoreGroup(root: string, demoDir: string): Promise<BenchGroup> {
  const RECORDINGS = 8_404
  const WINDOWS = 119
  const p = await benchProject(join(root, 'project'), join(root, 'none'), demoDir)
  const dim = new ModelsRepository(p.db).encoder(p.encoderId).encoder.dim
  const analysisId = syntheticAnalysis(p, RECORDINGS, WINDOWS, dim)
  const { headId } = addRandomHead(p, { scale: 0.15 })
  // Thresholds at each label's 97th percentile: about 3 % of windows are detections, as a head
  // tuned for a species that is not everywhere gives.
  const models = new ModelsRepository(p.db)
  const head = models.head(headId)
  const sample = new Float32Array(200 * WINDOWS * dim)
  for (let r = 0; r < 200; r++) sample.set(readEmbeddings(embeddingsFile(p.dir, analysisId, r + 1), WINDOWS, dim), r * WINDOWS * dim)
  const { heads } = loadScoringHeads(p.db, p.dir, models.encoder(p.encoderId), { windowS: 1, hopS: 0.5 })
  const scores = scoreHead(heads[0].head, sample, 200 * WINDOWS)
  const quantile = (c: number, q: number) => Float32Array.from({ length: 200 * WINDOWS }, (_, i) => scores[2 * i + c]).sort()[Math.floor(q * 200 * WINDOWS)]
  const thresholds = [quantile(0, 0.97), quantile(1, 0.97)]
  const withThresholds = (t: number[], revision: number) => models.setConfig(headId, { ...head.head, thresholds: t, revision })
  withThresholds(thresholds, 1)
  /** Before each timed run: the first label's threshold moved back or forth, under a new revision from `first` on. */
  const thresholdChange = (first: number) => (run: number) => withThresholds([thresholds[0] + (run % 2 === 0 ? 0.01 : 0), thresholds[1]], first + run)
  const total = RECORDINGS * WINDOWS
  const label = `${(total / 1e6).toFixed(2)} M windows of ${dim}-d (${RECORDINGS} one-minute recordings), 1 linear head with 2 labels`
  let recordingIds = 1_000_000
  return {
    title: 'Rescore: a season of stored window embeddings',
    target: '1M windows in ≤ 2 s',
    cases: [
      {
        name: 'rescore after one label’s threshold changed',
        baseline: true,
        run: async () => {
          await timedRescore(p, headId, 1, () => undefined)
          const r = await timedRescore(p, headId, 2, thresholdChange(2))
          return { value: r.best, unit: 's', note: `${label}; ${r.detections} detections; ${(total / r.best / 1e6).toFixed(2)} M windows/s` }
        },
      },
      {
        name: 'the same on the score thread, as the rescore job runs it',
        run: async () => {
          const r = await timedRescore(p, headId, 2, thresholdChange(4), SCORE_THREAD)
          return { value: r.best, unit: 's', note: `reading and scoring on a worker thread beside the writes; the thread is new each time, so its code starts cold as in the job's own process, where the rows above start warm; ${r.detections} detections` }
        },
      },
      {
        name: 'first rescore (every detection inserted)',
        run: async () => {
          const r = await timedRescore(p, headId, 2, () => p.db.prepare('DELETE FROM detections').run())
          return { value: r.best, unit: 's', note: `${r.detections} detections written` }
        },
      },
      {
        name: 'rescore with nothing changed',
        run: async () => {
          const r = await timedRescore(p, headId, 2, () => undefined)
          return { value: r.best, unit: 's', note: 'reads, scores and compares; writes nothing' }
        },
      },
      {
        name: 'reading the embedding files only',
        run: async () => {
          const rows = new AnalysisRepository(p.db).analysed(analysisId)
          const buffer = new Float32Array(WINDOWS * dim)
          const t = await timeIt(() => {
            for (const r of rows) readEmbeddings(embeddingsFile(p.dir, analysisId, r.recordingId), r.windows, dim, buffer)
          }, { minRuns: 2, minSeconds: 0 })
          return { value: t.best, unit: 's', note: `${((total * dim * 4) / 1e6).toFixed(0)} MB` }
        },
      },
      {
        name: 'scoring and events only (embeddings in memory)',
        run: async () => {
          const x = readEmbeddings(embeddingsFile(p.dir, analysisId, RECORDINGS), WINDOWS, dim)
          const { heads: scoring } = loadScoringHeads(p.db, p.dir, models.encoder(p.encoderId), { windowS: 1, hopS: 0.5 })
          const scorer = new RecordingScorer(scoring, dim, { windowS: 1, hopS: 0.5 }, { analysisId, encoderId: p.encoderId, encoder: 'bench', windowS: 1, hopS: 0.5 })
          try {
            const t = await timeIt(() => {
              for (let r = 0; r < RECORDINGS; r++) {
                scorer.begin(recordingIds++)
                scorer.pushAll(x, WINDOWS)
                scorer.finish(60)
              }
            }, { minRuns: 2, minSeconds: 0 })
            return { value: t.best, unit: 's', note: 'one recording’s vectors scored as every recording' }
          } finally {
            scorer.dispose()
          }
        },
      },
    ],
  }
}

async function peakRss(root: string, demoDir: string, seconds: number): Promise<BenchResult> {
  const audio = join(root, `audio-${seconds}`)
  mkdirSync(audio, { recursive: true })
  writeSparseWav(join(audio, `${seconds}s-384k.wav`), 384_000, seconds)
  const p = await benchProject(join(root, `project-${seconds}`), audio, demoDir)
  p.db.close()
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'analyze-rss-child.ts'), p.dir], { encoding: 'utf8', cwd: join(__dirname, '..', '..') })
  if (r.status !== 0) throw new Error(r.stderr.slice(-2000))
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as { maxRssMB: number; seconds: number; audioSeconds: number; windows: number }
  return { value: m.maxRssMB, unit: 'MB', note: `${(m.audioSeconds / 3600).toFixed(2)} h, ${m.windows} windows in ${m.seconds.toFixed(0)} s (${(m.audioSeconds / m.seconds).toFixed(0)} audio-s/s)` }
}

async function rssGroup(root: string, demoDir: string): Promise<BenchGroup> {
  return {
    title: 'Memory: analysing one 384 kHz recording (demo model, decode thread, sparse file)',
    target: 'bounded: the 2-hour file peaks no higher than a 10-minute one',
    cases: [
      { name: 'peak RSS, 10-minute recording', baseline: true, run: () => peakRss(root, demoDir, 600) },
      { name: 'peak RSS, 2-hour recording', run: () => peakRss(root, demoDir, 7200) },
    ],
  }
}

export default async function analyzeBench(): Promise<BenchGroup[]> {
  const root = join(tmpdir(), `obs-analyze-bench-${process.pid}`)
  process.on('exit', () => rmSync(root, { recursive: true, force: true }))
  const demoDir = join(root, 'demo-model')
  await writeRandomModel(demoDir)
  mkdirSync(join(root, 'rescore', 'none'), { recursive: true })
  return [
    await analysisGroup(`Analyze: demo model, ${THREADS} threads, CPU`, join(root, 'demo'), demoDir, 4, 300, true),
    await analysisGroup(`Analyze: Base-size random model, ${THREADS} threads, CPU`, join(root, 'base'), await baseModelDir('none'), 2, 60, false),
    await rescoreGroup(join(root, 'rescore'), demoDir),
    // OPENBEATS_BENCH_QUICK=1 leaves out the memory runs (minutes of 384 kHz decoding).
    ...(process.env.OPENBEATS_BENCH_QUICK === '1' ? [] : [await rssGroup(join(root, 'rss'), demoDir)]),
  ]
}
