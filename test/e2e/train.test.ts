// Training in real Chromium against the built host (issue 6): a synthetic project (generated
// embeddings and WAVs, annotations of three species), the training set previewed, a head trained
// from the Train view (the train-head worker of the built app), its metrics and PR curves, a second
// version compared with the first, and a search started from the annotate view with a decision on
// a hit. Screenshots of every state under test-results/screenshots/ (look at them).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { syntheticProject, type SyntheticRecording } from '../training/synthetic-project'
import { chromiumMissingReason, collectPageErrors, launchChromium } from './helpers/browser'
import { REPO_ROOT, startBuiltHost, type RunningHost } from './helpers/host'

const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots')
const skipReason = chromiumMissingReason()
if (skipReason) console.warn(`[e2e] ${skipReason}`)

describe.skipIf(skipReason !== null)('training heads in Chromium against the built host', () => {
  let workspace: string
  let host: RunningHost
  let browser: Browser
  let page: Page
  let recordings: SyntheticRecording[]
  let shotCount = 0
  const pageErrors: string[] = []

  /** `height`: a taller window for pages longer than the screen (the app scrolls inside, not the document). */
  async function shot(name: string, height = 900): Promise<void> {
    shotCount += 1
    if (height !== 900) await page.setViewportSize({ width: 1440, height })
    await page.waitForTimeout(400)
    await page.screenshot({ path: join(SCREENSHOTS, `train-${String(shotCount).padStart(2, '0')}-${name}.png`) })
    if (height !== 900) await page.setViewportSize({ width: 1440, height: 900 })
  }

  async function goTo(view: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(view)
  }

  const tab = (name: string) => page.getByRole('radiogroup', { name: 'Train view' }).getByRole('radio', { name })

  async function trainAndWait(): Promise<void> {
    await page.getByRole('button', { name: 'Train', exact: true }).click()
    const job = page.locator('article.job').first()
    // the job card says why when the job fails
    await expect
      .poll(async () => ((await job.getAttribute('data-status').catch(() => null)) === 'failed' ? `failed: ${await job.textContent()}` : await page.getByTestId('version-detail').count()), { timeout: 90_000 })
      .toBe(1)
  }

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'openbeats-e2e-train-'))
    mkdirSync(SCREENSHOTS, { recursive: true })
    const p = await syntheticProject(join(workspace, 'project'), { sites: 2, recordingsPerSite: 4, recordingS: 30, species: ['REEWAR', 'SEDWAR', 'WATRAI'], noise: 1.2, writeAudio: true, seed: 5 })
    recordings = p.recordings
    p.close()
    host = await startBuiltHost({ dataDir: join(workspace, 'app-data'), args: ['--project', join(workspace, 'project')] })
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    collectPageErrors(page, pageErrors)
  })

  afterAll(async () => {
    await browser?.close()
    await host?.stop()
    if (workspace) rmSync(workspace, { recursive: true, force: true })
  })

  it('previews the training set: counts per class and split before anything is trained', async () => {
    await page.goto(host.url)
    await goTo('Train')
    const form = page.getByRole('form', { name: 'Training settings' })
    await expect.poll(() => form.locator('input[data-code]:checked').count()).toBe(3)
    await page.getByRole('button', { name: 'Preview the training set' }).click()
    const report = page.getByTestId('training-report')
    await expect.poll(() => report.locator('tbody tr').count()).toBe(3)
    const reewar = await report.locator('tr[data-code="REEWAR"] td').allTextContents()
    expect(Number(reewar[1])).toBeGreaterThan(5)
    expect(Number(reewar[2])).toBeGreaterThan(0)
    await shot('preview', 1300)
  })

  it('trains a head in a worker and shows its metrics and PR curves', async () => {
    await trainAndWait()
    const detail = page.getByTestId('version-detail')
    const map = Number(await detail.getByTestId('map').first().textContent())
    expect(map).toBeGreaterThan(0.5)
    expect(map).toBeLessThanOrEqual(1)
    expect(await detail.locator('tbody tr').count()).toBe(3)
    expect(await detail.getByTestId('pr-chart').locator('canvas').count()).toBe(1)
    await detail.scrollIntoViewIfNeeded()
    await shot('trained-metrics', 1700)
  })

  it('trains a second version and compares the two side by side', async () => {
    await page.getByRole('form', { name: 'Training settings' }).getByLabel('Seed').fill('7')
    await trainAndWait()
    await tab('Versions').click()
    const rows = page.locator('tr[data-version-id]')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await rows.first().textContent()).toContain('Synthetic species head 2')
    for (const row of await rows.all()) await row.locator('input[type="checkbox"]').first().check()
    await page.getByRole('button', { name: 'Compare' }).click()
    const card = page.getByTestId('compare-card')
    await expect.poll(() => card.locator('tbody tr').count()).toBe(3)
    expect(await page.getByTestId('map-delta').textContent()).toMatch(/^mAP \d\.\d{3} → \d\.\d{3} \([+−±]\d\.\d{3}\)$/)
    expect(await card.getByTestId('compare-chart').locator('canvas').count()).toBe(1)
    await card.scrollIntoViewIfNeeded()
    await shot('compare', 1400)
  })

  it('searches by example from an annotation in the annotate view and stores a decision on a hit', async () => {
    const rec = recordings[1]
    await page.goto(`${host.origin}/#/annotate?recording=${rec.id}`)
    await expect.poll(() => page.locator('[data-annotation-id]').count(), { timeout: 30_000 }).toBe(rec.calls.length)
    await page.locator('[data-annotation-id]').first().click()
    await shot('annotate-selected')
    await page.getByTestId('find-similar').click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Train')
    await expect.poll(() => page.getByTestId('search-meta').count(), { timeout: 30_000 }).toBe(1)
    expect(await page.getByTestId('search-meta').textContent()).toMatch(/50 most similar of [\d,]+ windows/)
    const first = page.locator('table[aria-label="Search results"] tr[data-index="0"]')
    expect(await first.textContent()).toContain('query')
    // decisions are about the annotation's label; C marks the selected hit present
    await page.keyboard.press('c')
    await expect.poll(() => first.locator('.badge-success').count()).toBe(1)
    expect(await page.getByTestId('review-count').textContent()).toContain('1 decided')
    await shot('search-results', 1200)
    expect(pageErrors).toEqual([])
  })
})
