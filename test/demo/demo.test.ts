// The demo season end to end (the jobs as library calls): files named and commented like an
// AudioMoth's, truth stored as imported annotations, a head trained on the first day, and its
// detections on the held-out day measured against the truth.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_REPORT_FILE, DEMO_TRUTH_FILE } from '../../src-main/demo/build-demo'
import { generateDemoSeason } from '../../src-main/demo/demo-season'
import { tempDir } from '../helpers/main-services'
import { buildDemoInProcess } from './demo-runner'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

/** The bar the held-out detections must clear (the default demo, 0.6 h, reaches about 0.9 / 0.6). */
const MIN_RECALL = 0.75
const MIN_PRECISION = 0.4

describe('demo season', () => {
  it('writes a duty-cycled season with AudioMoth names and comments, one recorder stopping early, and the same bytes for the same seed', () => {
    const t = tempDir('obs-demo-gen-')
    cleanups.push(t.cleanup)
    const a = generateDemoSeason(join(t.path, 'a'), { hours: 0.1, sites: 2, fileSeconds: 10, seed: 7, sampleRate: 16_000 })
    // 0.1 h of 10 s files over 2 sites × 2 days: 9 per site-day, the last recorder's last day cut to 6.
    expect(a.recordings).toHaveLength(9 * 3 + 6)
    expect(a.recordings[0].path).toBe(join(t.path, 'a', 'North Ridge', a.recordings[0].serial, '20240514', '20240514_043000.WAV'))
    expect(a.recordings[1].path.endsWith('20240514_050000.WAV')).toBe(true)
    const wav = readFileSync(a.recordings[0].path)
    expect(wav.toString('latin1')).toContain(`Recorded at 04:30:00 14/05/2024 (UTC+2) by AudioMoth ${a.recordings[0].serial} at medium gain`)
    expect(new Set(a.calls.map((c) => c.species))).toEqual(new Set(['TRIL', 'TWON', 'CLIK', 'DEWH']))
    for (const c of a.calls) expect(c.endS).toBeGreaterThan(c.startS)
    const b = generateDemoSeason(join(t.path, 'b'), { hours: 0.1, sites: 2, fileSeconds: 10, seed: 7, sampleRate: 16_000 })
    expect(readFileSync(b.recordings[5].path).equals(readFileSync(a.recordings[5].path))).toBe(true)
  })

  it(`analyses the season and finds the held-out calls (recall ≥ ${MIN_RECALL}, precision ≥ ${MIN_PRECISION})`, async () => {
    const t = tempDir('obs-demo-')
    cleanups.push(t.cleanup)
    const dir = join(t.path, 'demo')
    const { report, db } = await buildDemoInProcess(dir, { hours: 0.15, sites: 3, fileSeconds: 30, seed: 42 })
    cleanups.push(() => db.close())
    expect(report.recordings).toBe(17)
    expect(db.prepare("SELECT count(*) FROM annotations WHERE source = 'imported'").pluck().get()).toBe(report.calls)
    expect(existsSync(join(dir, DEMO_TRUTH_FILE))).toBe(true)
    expect(JSON.parse(readFileSync(join(dir, DEMO_REPORT_FILE), 'utf8'))).toEqual(report)
    expect(db.prepare('SELECT json_extract(config, \'$.pretrained\') FROM models WHERE id = ?').pluck().get(report.encoderId)).toBe(0)
    expect(report.heldOut.recordings).toBe(8)
    expect(report.heldOut.calls).toBeGreaterThan(30)
    expect(report.heldOut.recall).toBeGreaterThanOrEqual(MIN_RECALL)
    expect(report.heldOut.precision).toBeGreaterThanOrEqual(MIN_PRECISION)
    const settings = JSON.parse(db.prepare('SELECT settings FROM detections LIMIT 1').pluck().get() as string)
    expect(settings).toMatchObject({ headId: report.headId, windowS: 1, hopS: 0.5 })
    expect(Object.values(report.thresholds)).toContain(settings.threshold)
  })
})
