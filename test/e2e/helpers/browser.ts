// Debian's Chromium driven by playwright-core (its own browser builds cannot be downloaded here).
import { existsSync } from 'node:fs'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

export function chromiumMissingReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is not installed (apt-get install chromium); skipping the browser tests`
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

/** Records the page's uncaught errors and console errors in `errors` (each suite ends by expecting none). */
export function collectPageErrors(page: Page, errors: string[], onConsole?: (message: ConsoleMessage) => void): void {
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    onConsole?.(m)
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`)
  })
}
