// The renderer shell in real Chromium against the built host (issue 2 §8): create a project with the
// server-side folder browser and find it again after a reload; scan a generated season and watch the
// progress bar reach 100 %; cancel a long scan; the token and media confinement; a screenshot of
// every view under test-results/screenshots/ (look at them).
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { chromiumMissingReason, collectPageErrors, launchChromium } from './helpers/browser'
import { REPO_ROOT, startBuiltHost, type RunningHost } from './helpers/host'
import { writeRecordingTree, type RecordingTree } from './helpers/recordings'

const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots')
const skipReason = chromiumMissingReason()
if (skipReason) console.warn(`[e2e] ${skipReason}`)

/** GET with the path sent exactly as written (fetch would resolve the dots away). */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin)
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('latin1')
      res.on('data', (c: string) => (body += c.slice(0, 4096)))
      res.on('end', () => done({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

describe.skipIf(skipReason !== null)('renderer shell in Chromium against the built host', () => {
  let workspace: string
  let host: RunningHost
  let browser: Browser
  let page: Page
  let small: RecordingTree
  let big: RecordingTree
  let shotCount = 0
  const pageErrors: string[] = []
  const projectsHome = () => join(workspace, 'projects')

  async function shot(name: string): Promise<void> {
    shotCount += 1
    await page.screenshot({ path: join(SCREENSHOTS, `${String(shotCount).padStart(2, '0')}-${name}.png`) })
  }

  async function goTo(view: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view, exact: true }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(view)
  }

  /** Opens the path field of the folder browser, goes to `path`, and returns the dialog. */
  async function browseTo(path: string): Promise<Locator> {
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Type a path' }).click()
    await dialog.getByLabel('Go to folder').fill(path)
    await dialog.getByLabel('Go to folder').press('Enter')
    await expect.poll(() => dialog.locator('.crumb[aria-current="location"]').textContent()).toBe(path.split('/').at(-1))
    return dialog
  }

  async function startScan(folder: string): Promise<Locator> {
    const before = await page.locator('[data-job-id]').count()
    await page.getByRole('button', { name: 'Scan a folder…' }).first().click()
    const dialog = await browseTo(folder)
    await dialog.getByRole('button', { name: 'Choose folder' }).click()
    await expect.poll(() => page.locator('[data-job-id]').count()).toBe(before + 1)
    const id = await page.locator('[data-job-id]').first().getAttribute('data-job-id')
    return page.locator(`[data-job-id="${id}"]`)
  }

  beforeAll(async () => {
    const started = Date.now()
    workspace = mkdtempSync(join(tmpdir(), 'openbeats-e2e-'))
    mkdirSync(projectsHome())
    mkdirSync(SCREENSHOTS, { recursive: true })
    small = writeRecordingTree(join(workspace, 'season-small'), { sites: 6, deploymentsPerSite: 5, filesPerDeployment: 100 })
    big = writeRecordingTree(join(workspace, 'season-big'), { sites: 20, deploymentsPerSite: 10, filesPerDeployment: 200 })
    host = await startBuiltHost({ dataDir: join(workspace, 'app-data') })
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    collectPageErrors(page, pageErrors)
    console.log(`[e2e] set-up (trees of ${small.audioFiles + big.audioFiles} WAVs, host, Chromium) took ${Date.now() - started} ms`)
  })

  afterAll(async () => {
    await browser?.close()
    await host?.stop()
    if (workspace) rmSync(workspace, { recursive: true, force: true })
  })

  it('refuses every request without the token with 401', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(401)
    expect((await fetch(`${host.origin}/?token=not-the-token`)).status).toBe(401)
    expect((await fetch(`${host.origin}/assets/index.js`)).status).toBe(401)
    expect((await fetch(`${host.origin}/media/recordings/1/audio`)).status).toBe(401)
    const page = await fetch(host.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app">')
  })

  it('creates a project through the folder browser and still has it open, and listed, after a reload', async () => {
    await page.goto(host.url)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Projects')
    await shot('projects-first-start')

    await page.getByLabel('Project name').fill('Field season 2024')
    await page.getByRole('button', { name: 'Browse…' }).click()
    const dialog = await browseTo(workspace)
    // Keyboard: type-ahead to "projects", Enter to go in.
    await dialog.getByRole('listbox').press('p')
    await dialog.getByRole('listbox').press('Enter')
    await expect.poll(() => dialog.locator('.crumb[aria-current="location"]').textContent()).toBe('projects')
    const target = join(projectsHome(), 'field-season-2024')
    await expect.poll(() => dialog.getByTestId('folder-target').textContent()).toBe(target)
    await shot('folder-browser-create-project')
    await dialog.getByRole('button', { name: 'Use this folder' }).click()
    await expect.poll(() => page.getByLabel('Project folder').inputValue()).toBe(target)

    await page.getByRole('button', { name: 'Create project' }).click()
    const current = page.getByTestId('current-project')
    await expect.poll(() => current.locator('h2').textContent()).toBe('Field season 2024')
    expect(existsSync(join(target, 'project.sqlite'))).toBe(true)
    await shot('projects-created')

    // The token left the address bar after the first load; the reload is authorised by the cookie.
    expect(page.url()).not.toContain('token=')
    await page.reload()
    await expect.poll(() => current.locator('h2').textContent()).toBe('Field season 2024')
    await expect.poll(() => page.getByTestId('topbar-project').textContent()).toBe('Field season 2024')
    const row = page.getByTestId('recent-projects').locator(`tr[data-dir="${target}"]`)
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.textContent()).toContain('Open')
    await shot('projects-after-reload')
  })

  it('scans a generated season and shows its progress bar reach 100 % and the job succeed', async () => {
    await goTo('Jobs')
    await shot('jobs-empty')
    const card = await startScan(small.root)
    const seen = new Set<string>()
    const deadline = Date.now() + 60_000
    let status: string | null = null
    while (Date.now() < deadline) {
      status = await card.getAttribute('data-status')
      const now = await card.locator('[role="progressbar"]').getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null)
      if (now) seen.add(now)
      if (status === 'succeeded' || status === 'failed' || status === 'cancelled') break
      await page.waitForTimeout(40)
    }
    console.log(`[e2e] scan of ${small.audioFiles + small.otherFiles} files: progress values seen ${[...seen].join(', ')}; ${await card.locator('.facts').textContent()}`)
    expect(status).toBe('succeeded')
    const bar = card.locator('[role="progressbar"]')
    expect(await bar.getAttribute('aria-valuenow')).toBe('100')
    expect(await card.locator('.pct').textContent()).toBe('100 %')
    expect(await card.getByTestId('job-status').textContent()).toBe('Succeeded')
    const total = small.audioFiles + small.otherFiles
    expect(await card.getByTestId('job-amount').textContent()).toBe(`${total.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} files`)
    expect(await card.locator('.result').textContent()).toContain(`wav ${small.audioFiles.toLocaleString('en-US')}`)
    await card.getByRole('button', { name: 'Logs' }).click()
    await expect.poll(() => page.getByRole('log').textContent()).toContain(`${total} files, ${small.audioFiles} of them audio`)
    await shot('jobs-scan-succeeded')
  })

  it('cancels a scan of a big season while it runs', async () => {
    const card = await startScan(big.root)
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 20_000, interval: 25 }).toBe('running')
    // Cancel once the worker is visibly working (it has reported progress).
    await expect.poll(() => card.getByTestId('job-amount').count(), { timeout: 20_000, interval: 25 }).toBe(1)
    await shot('jobs-scan-running')
    await card.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled')
    expect(await card.getByTestId('job-status').textContent()).toBe('Cancelled')
    expect(await card.getByRole('button', { name: 'Cancel' }).count()).toBe(0)
    // Cancelled while still listing files, the job has no total and shows no bar; later, a partial one.
    const bar = card.locator('[role="progressbar"]')
    const reached = (await bar.count()) > 0 ? Number((await bar.getAttribute('aria-valuenow')) ?? '0') : 0
    const amount = card.getByTestId('job-amount')
    const counted = (await amount.count()) > 0 ? await amount.textContent() : 'no progress reported yet'
    console.log(`[e2e] big scan of ${big.audioFiles + big.otherFiles} files cancelled at ${reached} % (${counted})`)
    expect(reached).toBeLessThan(100)
    await shot('jobs-scan-cancelled')
  })

  it('refuses media paths that are not recordings of the open project', async () => {
    const crafted = [
      '/media/recordings/1/audio',
      '/media/recordings/999999/audio',
      '/media/recordings/-1/audio',
      '/media/recordings/1e3/audio',
      '/media/../../../../etc/passwd',
      '/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/media/recordings/..%2f..%2f..%2fetc%2fpasswd/audio',
      '/media/recordings/1/../../../project.sqlite',
      '/media//etc/passwd',
      `/media/${encodeURIComponent(join(small.root, 'site-01', 'notes.txt'))}`,
      `/media${join(small.root, 'site-01', 'notes.txt')}`,
    ]
    for (const path of crafted) {
      const { status, body } = await rawGet(host.origin, `${path}${path.includes('?') ? '&' : '?'}token=${host.token}`)
      expect.soft([path, [403, 404].includes(status)]).toEqual([path, true])
      expect.soft(body).not.toContain('root:')
      expect.soft(body).not.toContain('recorder strapped')
    }
    // Outside /media the app page comes back, never a file.
    const outside = await rawGet(host.origin, `/../../../../etc/passwd?token=${host.token}`)
    expect(outside.body).not.toContain('root:')
  })

  it('shows every view, in light and dark', async () => {
    for (const view of ['Projects', 'Recordings', 'Annotate', 'Detections', 'Train', 'Models', 'Jobs']) {
      await goTo(view)
      await shot(`view-${view.toLowerCase()}`)
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings')
    await shot('view-settings')
    await page.getByRole('radio', { name: 'Dark' }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await shot('view-settings-dark')
    await goTo('Jobs')
    await shot('view-jobs-dark')
    await goTo('Projects')
    await shot('view-projects-dark')
    // The setting is stored by the main process: a new page load is dark too.
    await page.reload()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
  })

  it('sends project views to Projects with a note once the project is closed', async () => {
    await goTo('Projects')
    await page.getByRole('button', { name: 'Close project' }).click()
    await expect.poll(() => page.getByTestId('current-project').count()).toBe(0)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Detections', exact: true }).click()
    await expect.poll(() => page.getByTestId('needs-project').textContent()).toContain('Detections works inside a project.')
    await shot('needs-project-dark')
  })

  it('ran the whole session without a script error or a failed request in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
