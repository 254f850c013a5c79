// Reviewing detections, statistics and models in real Chromium against the built host (issue 5
// §4–§7): a project with a generated season and detections (seeded straight into its database,
// with real WAV files behind the recordings), ten decisions made by keyboard and read back
// through the api, the table filtered, the statistics view and its CSV export, and a screenshot
// of every state under test-results/screenshots/ (look at them).
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { WebSocket } from 'ws'
import type { CallResult, DetectionRow, ServerMessage } from '../../src-shared/contracts'
import { wavHeader } from '../../src-main/audio/wav-header'
import { openProjectDatabase } from '../../src-main/db/connection'
import { ProjectMetaRepository } from '../../src-main/db/project-meta-repository'
import { seededRandom, seedSeason, type SeededSeason } from '../services/detections-seed'
import { chromiumMissingReason, collectPageErrors, launchChromium } from './helpers/browser'
import { REPO_ROOT, startBuiltHost, type RunningHost } from './helpers/host'

const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots')
const skipReason = chromiumMissingReason()
if (skipReason) console.warn(`[e2e] ${skipReason}`)

const RATE = 16_000
const RECORDING_S = 60

/** A minute of 16 kHz audio: soft noise and a rising whistle every 3 s, so spectrograms show calls. */
function birdsWav(): Buffer {
  const n = RATE * RECORDING_S
  const data = Buffer.alloc(n * 2)
  const rand = seededRandom(3)
  let phase = 0
  for (let i = 0; i < n; i++) {
    const t = i / RATE
    const inCall = t % 3
    let x = (rand() - 0.5) * 0.04
    if (inCall < 0.6) {
      // A rising whistle with a warble, 2.5 → 5.5 kHz.
      const f = 2500 + 3000 * (inCall / 0.6) + 250 * Math.sin(2 * Math.PI * 18 * inCall)
      phase += (2 * Math.PI * f) / RATE
      x += 0.4 * Math.sin(phase) * Math.sin((Math.PI * inCall) / 0.6)
    }
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), i * 2)
  }
  return Buffer.concat([wavHeader({ rate: RATE, frames: n, encoding: 'pcm16' }), data])
}

/** A project folder with 2 sites × 2 deployments × 6 one-minute recordings and 40 detections each. */
function seedProject(dir: string, audioDir: string): SeededSeason {
  mkdirSync(dir, { recursive: true })
  mkdirSync(audioDir, { recursive: true })
  const db = openProjectDatabase(join(dir, 'project.sqlite'), { create: true })
  const meta = new ProjectMetaRepository(db)
  meta.set('name', 'Marsh season 2024')
  meta.set('created_at', '2024-06-01T00:00:00.000Z')
  meta.set('created_by_version', 'e2e')
  const season = seedSeason(db, { sites: 2, deploymentsPerSite: 2, recordingsPerDeployment: 6, detectionsPerRecording: 40, labels: 6, heads: 1, recordingS: RECORDING_S, seed: 11 })
  db.prepare("UPDATE label_sets SET name = 'Marsh birds'").run()
  const names = [
    ['REEWAR', 'Acrocephalus scirpaceus', 'Eurasian reed warbler'],
    ['SEDWAR', 'Acrocephalus schoenobaenus', 'Sedge warbler'],
    ['WATRAI', 'Rallus aquaticus', 'Water rail'],
    ['BITTER', 'Botaurus stellaris', 'Eurasian bittern'],
    ['REEBUN', 'Emberiza schoeniclus', 'Common reed bunting'],
    ['CETWAR', 'Cettia cetti', "Cetti's warbler"],
  ]
  const colors = ['#2f7ed8', '#0d9488', '#c2410c', '#7c3aed', '#ca8a04', '#be123c']
  season.labelIds.forEach((id, i) => db.prepare('UPDATE labels SET code = ?, scientific_name = ?, common_name = ?, color = ? WHERE id = ?').run(...names[i], colors[i], id))
  db.prepare("UPDATE sites SET name = CASE id WHEN ? THEN 'North reedbed' ELSE 'South lagoon' END").run(season.siteIds[0])
  db.prepare("UPDATE models SET name = 'Marsh birds head', version = 'v1', config = json_set(config, '$.labelCodes', json(?)), provenance = json('{\"jobId\":3}') WHERE kind = 'head'").run(JSON.stringify(names.map((n) => n[0])))
  db.prepare("UPDATE models SET name = 'Demo encoder', version = '0.1' WHERE kind = 'encoder'").run()
  // Spread the minutes over dawn and dusk of three days per deployment, as a schedule would.
  const recs = db.prepare('SELECT id, deployment_id AS dep, start_utc_ms AS utc FROM recordings ORDER BY deployment_id, id').all() as Array<{ id: number; dep: number; utc: number | null }>
  const move = db.prepare('UPDATE recordings SET start_time = ?, start_local_ms = ?, start_utc_ms = ?, file_name = ? WHERE id = ?')
  recs.forEach((r, i) => {
    const k = i % 6
    const local = Date.UTC(2024, 4, 1 + (r.dep % 2) * 3 + (k % 3), [4, 5, 19, 20, 5, 21][k], 10 * k)
    const iso = new Date(local).toISOString().slice(0, 19)
    move.run(r.utc === null ? iso : `${iso}+02:00`, local, r.utc === null ? null : local - 7_200_000, `${iso.replace(/[-:]/g, '').replace('T', '_')}.WAV`, r.id)
  })
  // Jobs of every season type in the states they end in, for the Jobs view.
  const addJob = db.prepare(
    `INSERT INTO jobs (type, status, resource, params, progress, result, error, created_at, started_at, finished_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const at = (minute: number) => `2024-06-01T10:${String(minute).padStart(2, '0')}:00.000Z`
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v))
  const progress = (done: number, total: number | null, unit: string, rate: number | null = null, etaSeconds: number | null = null, message: string | null = null) => ({ done, total, unit, rate, etaSeconds, message })
  const jobs: Array<[string, string, string, unknown, unknown, unknown, unknown, number, number | null]> = [
    ['import', 'succeeded', 'io', { type: 'import', folders: [audioDir] }, progress(24, 24, 'files'), { imported: 24, quarantined: 0, unchanged: 0 }, null, 0, 1],
    ['model-import', 'succeeded', 'cpu', { type: 'model-import', checkpointPath: '/models/OpenBEATs-Base-i3.pt' }, progress(3, 3, 'steps'), { modelId: 1, name: 'OpenBEATs Base i3' }, null, 2, 4],
    ['analyze', 'interrupted', 'cpu', { type: 'analyze', encoderId: 1, windowS: 10, hopS: 5 }, progress(5400, 86_400, 'audio-s', 38.5, 2103, 'recording 12 of 200'), null, null, 5, null],
    ['rescore', 'failed', 'cpu', { type: 'rescore', headIds: [7] }, null, null, { code: 'MODEL_INVALID', message: 'head #7 was trained on encoder #2; rescoring needs the embeddings of that encoder' }, 20, 20],
    ['export', 'succeeded', 'io', { type: 'export', format: 'raven', content: 'detections' }, progress(24, 24, 'recordings'), { files: 4, folder: join(dir, 'exports', '2024-06-01T10-30') }, null, 30, 31],
  ]
  for (const [type, status, resource, params, prog, result, error, start, end] of jobs) {
    addJob.run(type, status, resource, json(params), json(prog), json(result), json(error), at(start), at(start), end === null ? null : at(end), at(end ?? start + 3))
  }
  // Every recording is a hard link to one generated minute of audio.
  const source = join(audioDir, '.source.wav')
  writeFileSync(source, birdsWav())
  const rows = db.prepare('SELECT id, file_name FROM recordings').all() as Array<{ id: number; file_name: string }>
  const setPath = db.prepare('UPDATE recordings SET path = ? WHERE id = ?')
  for (const r of rows) {
    const path = join(audioDir, `${r.id}-${r.file_name}`)
    linkSync(source, path)
    setPath.run(path, r.id)
  }
  // Detections start on the whistles (every 3 s), as a detector would place them.
  db.prepare('UPDATE detections SET start_s = (CAST(start_s / 3 AS INTEGER) * 3) % 57, end_s = (CAST(start_s / 3 AS INTEGER) * 3) % 57 + 1.5').run()
  db.close()
  return season
}

interface ApiSocket {
  call<T>(method: string, payload: unknown): Promise<T>
  close(): void
}

function connectApi(host: RunningHost): Promise<ApiSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(host.token)}`)
    const waiting = new Map<string, (r: CallResult) => void>()
    let n = 0
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as ServerMessage
      if (m.t === 'result') waiting.get(m.id)?.(m.result)
    })
    ws.once('error', reject)
    ws.once('open', () =>
      resolve({
        call<T>(method: string, payload: unknown): Promise<T> {
          const id = `e2e-${++n}`
          return new Promise<T>((done, fail) => {
            waiting.set(id, (r) => (r.ok ? done(r.value as T) : fail(new Error(`${r.error.code}: ${r.error.message}`))))
            ws.send(JSON.stringify({ t: 'call', id, method, payload }))
          })
        },
        close: () => ws.close(),
      }),
    )
  })
}

describe.skipIf(skipReason !== null)('reviewing detections in Chromium against the built host', () => {
  let workspace: string
  let host: RunningHost
  let browser: Browser
  let page: Page
  let api: ApiSocket
  let season: SeededSeason
  let shotCount = 0
  const pageErrors: string[] = []

  /** `tall`: a taller window for pages longer than the screen (the app scrolls inside, not the document). */
  async function shot(name: string, tall = false): Promise<void> {
    shotCount += 1
    if (tall) {
      await page.setViewportSize({ width: 1440, height: 1560 })
      await page.waitForTimeout(400)
    }
    await page.screenshot({ path: join(SCREENSHOTS, `review-${String(shotCount).padStart(2, '0')}-${name}.png`) })
    if (tall) await page.setViewportSize({ width: 1440, height: 900 })
  }

  async function goTo(view: string, heading = view): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(heading)
  }

  const selectedRow = () => page.locator('[data-testid="detection-table"] .row.body.selected')
  /** The selected row's index, polled (this machine is shared: answers can take a few seconds). */
  const selectedIndex = () => selectedRow().first().getAttribute('data-index', { timeout: 2000 }).catch(() => null)
  /**
   * The selected row's detection id and index, read from one DOM snapshot once its row is loaded.
   * Gives up after 20 s with a screenshot and a description of what the table showed instead.
   */
  async function selectedRowState(wantIndex?: number): Promise<{ id: number; index: number }> {
    const deadline = Date.now() + 20_000
    let seen = ''
    while (Date.now() < deadline) {
      const state = await page.evaluate((): { id: number; index: number } | { seen: string } => {
        const table = document.querySelector('[data-testid="detection-table"]')
        const row = table?.querySelector('.row.body.selected')
        if (row?.hasAttribute('data-detection-id')) return { id: Number(row.getAttribute('data-detection-id')), index: Number(row.getAttribute('data-index')) }
        const rows = table ? Array.from(table.querySelectorAll('.row.body')) : []
        const scroller = table?.querySelector('.scroller')
        const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '(none)'
        return {
          seen: `${row ? 'selected row not loaded yet' : 'no selected row'}; table ${table ? `draws ${rows.length} rows (${rows[0]?.getAttribute('data-index')}…${rows.at(-1)?.getAttribute('data-index')}), scrolled to ${scroller?.scrollTop} of ${scroller?.scrollHeight} px in ${scroller?.clientHeight} px` : 'absent'}; position "${text('row-position')}"; count "${text('detection-count')}"; notices "${Array.from(document.querySelectorAll('.notice')).map((n) => n.textContent?.trim()).join(' | ')}"`,
        }
      })
      if ('id' in state && (wantIndex === undefined || state.index === wantIndex)) return state
      seen = 'id' in state ? `selected row ${state.index}, not ${wantIndex}` : state.seen
      await page.waitForTimeout(100)
    }
    await shot('no-selected-row')
    throw new Error(`the detection table showed no selected row${wantIndex === undefined ? '' : ` ${wantIndex}`} for 20 s: ${seen}`)
  }
  /** The viewer has drawn the selected detection's recording (waveform and spectrogram). */
  const painted = () => page.locator('[data-testid="recording-viewer"][data-spectrogram-ms]').count()

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'openbeats-e2e-review-'))
    mkdirSync(SCREENSHOTS, { recursive: true })
    season = seedProject(join(workspace, 'project'), join(workspace, 'audio'))
    host = await startBuiltHost({ dataDir: join(workspace, 'app-data'), args: ['--project', join(workspace, 'project')] })
    api = await connectApi(host)
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', acceptDownloads: true })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    collectPageErrors(page, pageErrors)
  })

  afterAll(async () => {
    api?.close()
    await browser?.close()
    await host?.stop()
    if (workspace) rmSync(workspace, { recursive: true, force: true })
  })

  it('opens the detections of the project, highest score first, with filters and the threshold histogram', async () => {
    await page.goto(host.url)
    await goTo('Detections')
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toContain('960')
    await expect.poll(() => page.locator('[data-testid="detection-table"] .row.body[data-detection-id]').count()).toBeGreaterThan(5)
    const scores = await page.locator('[data-testid="detection-table"] .row.body .score').allTextContents()
    const values = scores.slice(0, 6).map((s) => Number(s.trim()))
    expect([...values].sort((a, b) => b - a)).toEqual(values)
    await expect.poll(() => page.getByTestId('threshold-count').textContent()).toMatch(/score ≥ 0\.50/)
    await shot('detections-start')
  })

  it('reviews ten detections by keyboard, auto-advancing, and the decisions are stored', async () => {
    await page.keyboard.press('ArrowDown')
    await expect.poll(selectedIndex, { timeout: 20_000 }).toBe('0')
    await expect.poll(painted, { timeout: 30_000 }).toBe(1)
    await shot('detection-selected')

    // C/Y confirm, X/N reject, U uncertain, S skips (the row keeps its state).
    const keys = ['c', 'x', 'u', 'y', 'n', 's', 'c', 'c', 'x', 'u']
    const expected: Array<{ id: number; state: string }> = []
    for (const key of keys) {
      const { id, index } = await selectedRowState()
      const state = key === 's' ? (await api.call<DetectionRow>('detections.get', { id })).reviewState : { c: 'confirmed', y: 'confirmed', x: 'rejected', n: 'rejected', u: 'uncertain' }[key]
      await page.keyboard.press(key)
      await selectedRowState(index + 1)
      expected.push({ id, state: state ?? '' })
    }
    // The eleventh: relabel through the searchable picker.
    const relabelId = (await selectedRowState()).id
    const before = await api.call<DetectionRow>('detections.get', { id: relabelId })
    const target = before.labelCode === 'BITTER' ? 'WATRAI' : 'BITTER'
    await page.keyboard.press('l')
    const picker = page.getByRole('dialog', { name: 'Relabel detection' })
    await picker.getByLabel('Search labels').fill(target === 'BITTER' ? 'bitt' : 'water r')
    await shot('relabel-picker')
    await picker.getByLabel('Search labels').press('Enter')
    await expect.poll(() => picker.count()).toBe(0)

    await expect.poll(() => page.getByTestId('session-summary').textContent()).toBe('This session: 5 confirmed · 3 rejected · 2 uncertain')
    await expect.poll(painted, { timeout: 30_000 }).toBe(1)
    for (const e of expected) {
      const row = await api.call<DetectionRow>('detections.get', { id: e.id })
      expect(row.reviewState, `detection ${e.id}`).toBe(e.state)
    }
    const relabelled = await api.call<DetectionRow>('detections.get', { id: relabelId })
    expect(relabelled).toMatchObject({ labelCode: target, originalLabelId: before.labelId, reviewState: 'confirmed' })
    await shot('after-ten-decisions')
  })

  it('shows the keyboard help', async () => {
    await page.keyboard.press('?')
    await expect.poll(() => page.getByRole('dialog', { name: 'Reviewing by keyboard' }).count()).toBe(1)
    await shot('keyboard-help')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
  })

  it('filters the table by species, review state and site, and sorts by time', async () => {
    await page.getByTestId('species-select').click()
    await page.getByLabel('Search species').fill('sedge')
    await page.getByLabel('Search species').press('Enter')
    await page.getByRole('button', { name: 'Done' }).click()
    const counts = await api.call<{ labels: Array<{ id: number; code: string; count: number }> }>('detections.facets', {})
    const sedge = counts.labels.find((l) => l.code === 'SEDWAR')!
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toContain(`${sedge.count} of 960`)
    const codes = await page.locator('[data-testid="detection-table"] .row.body .code').allTextContents()
    expect(new Set(codes)).toEqual(new Set(['SEDWAR']))

    await page.getByRole('button', { name: /^Unreviewed/ }).click()
    const unreviewed = await api.call<{ total: number }>('detections.list', { filter: { labelIds: [sedge.id], reviewStates: ['unreviewed'] }, offset: 0, limit: 1 })
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toContain(`${unreviewed.total} of 960`)
    await page.getByLabel('Site').selectOption(String(season.siteIds[1]))
    await page.getByRole('columnheader', { name: /Time/ }).click()
    await expect.poll(() => page.getByRole('columnheader', { name: /Time/ }).getAttribute('aria-sort')).toBe('ascending')
    const times = await page.locator('[data-testid="detection-table"] .row.body .time').allTextContents()
    expect(times.length).toBeGreaterThan(1)
    expect([...times].sort()).toEqual(times)
    const sites = await page.locator('[data-testid="detection-table"] .row.body').evaluateAll((rows) => rows.map((r) => r.children[5]?.textContent?.trim()))
    expect(new Set(sites)).toEqual(new Set(['South lagoon']))
    await shot('filtered-sorted')

    // A date range on the recorder clock (the end date is included).
    await page.getByRole('button', { name: 'Clear filters' }).first().click()
    await page.getByLabel('From date').fill('2024-05-04')
    await page.getByLabel('To date (included)').fill('2024-05-05')
    const dated = await api.call<{ total: number }>('detections.list', { filter: { from: '2024-05-04', to: '2024-05-05' }, offset: 0, limit: 1 })
    expect(dated.total).toBeGreaterThan(0)
    expect(dated.total).toBeLessThan(960)
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toContain(`${dated.total} of 960`)
    const days = await page.locator('[data-testid="detection-table"] .row.body .time').allTextContents()
    expect(days.every((d) => d.startsWith('2024-05-04') || d.startsWith('2024-05-05'))).toBe(true)

    await page.getByRole('button', { name: 'Clear filters' }).first().click()
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toMatch(/^\s*960 detections/)
  })

  it('says so when no detection matches', async () => {
    await page.getByLabel('Lowest score').fill('0.99')
    await page.getByLabel('Lowest score').press('Enter')
    await page.getByLabel('Highest score').fill('0.995')
    await page.getByLabel('Highest score').press('Enter')
    await expect.poll(() => page.getByText('No detections match these filters').count()).toBe(1)
    await shot('no-match')
    await page.getByRole('button', { name: 'Clear filters' }).first().click()
  })

  it('opens the statistics, normalised by recorded hours, and exports the table as CSV and the plot as PNG and SVG', async () => {
    await goTo('Statistics')
    await expect.poll(() => page.getByTestId('stats-total').textContent()).toBe('960')
    await expect.poll(() => page.getByTestId('time-basis').textContent()).toContain('time zone is unknown for 12 recordings of 24')
    await page.waitForTimeout(300)
    await shot('statistics', true)

    const csvDownload = page.waitForEvent('download')
    await page.getByRole('group', { name: 'Export Per day' }).getByRole('button', { name: 'CSV' }).click()
    const csv = await csvDownload
    expect(csv.suggestedFilename()).toBe('activity-daily-all-sites-all-labels.csv')
    const text = readFileSync((await csv.path())!, 'utf8')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('site,label,date,detections,recorded_hours,detections_per_recorded_hour')
    // 24 one-minute recordings with 40 detections each: 2400 per recorded hour on every recorded day.
    const recorded = lines.slice(1).filter((l) => !l.endsWith(',0,0,'))
    expect(recorded.length).toBeGreaterThan(0)
    for (const l of recorded) expect(l.split(',')[5]).toBe('2400')

    const pngDownload = page.waitForEvent('download')
    await page.getByRole('group', { name: 'Export By hour of day (diel)' }).getByRole('button', { name: 'PNG' }).click()
    const png = await pngDownload
    expect(png.suggestedFilename()).toBe('activity-diel-all-sites-all-labels.png')
    expect(readFileSync((await png.path())!).subarray(1, 4).toString('latin1')).toBe('PNG')

    const svgDownload = page.waitForEvent('download')
    await page.getByRole('group', { name: 'Export Per day' }).getByRole('button', { name: 'SVG' }).click()
    const svg = await svgDownload
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/)

    await page.getByTestId('stats-species').selectOption(String(season.labelIds[0]))
    await expect.poll(async () => Number(await page.getByTestId('stats-total').textContent())).toBeLessThan(960)
    await shot('statistics-one-species', true)
  })

  it('shows the models and the engine status', async () => {
    await goTo('Models')
    await page.waitForTimeout(300)
    await shot('models')
    await goTo('Settings')
    await page.waitForTimeout(300)
    await shot('settings')
    await goTo('Jobs')
    await expect.poll(() => page.locator('[data-job-id]').count()).toBe(5)
    await shot('jobs', true)
  })

  it('shows the dark theme of the review page', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await goTo('Detections')
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => selectedRow().count()).toBe(1)
    await expect.poll(painted, { timeout: 30_000 }).toBe(1)
    await shot('detections-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('raised no error in the page', () => {
    expect(pageErrors.filter((e) => !/Failed to load resource.*(404|401)/.test(e))).toEqual([])
  })
})
