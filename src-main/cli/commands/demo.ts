import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { buildDemoProject, DEMO_REPORT_FILE, type DemoReport } from '../../demo/build-demo'
import { AppError } from '../../errors'
import { flagOption, stringOption, type CliCommand, type CommandContext } from '../command'
import { createProgressBar } from '../progress-bar'
import { runProjectJob } from '../run-project-job'

function numberOption(ctx: CommandContext, name: string, integer: boolean): number | undefined {
  const text = stringOption(ctx, name)
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) throw new AppError('INVALID_REQUEST', `--${name} must be ${integer ? 'an integer' : 'a number'}, got "${text}"`)
  return value
}

const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(0)}%`)

function summary(dir: string, r: DemoReport): string {
  const lines = [
    `Demo project ready: ${dir}`,
    `  ${r.recordings} recordings from ${r.options.sites} site(s), ${r.calls} synthetic calls (truth in truth.csv and as imported annotations)`,
    `  analysed ${(r.analysis.audioSeconds / 60).toFixed(1)} min of audio into ${r.analysis.windows} windows in ${r.analysis.seconds.toFixed(0)} s`,
    `  head ${r.headId} trained on day 1; on the ${r.heldOut.recordings} held-out recordings: recall ${pct(r.heldOut.recall)}, precision ${pct(r.heldOut.precision)}`,
    ...r.heldOut.perSpecies.map((s) => `    ${s.species}: ${s.found}/${s.calls} calls found, ${s.correct}/${s.detections} detections correct`),
    `  ${r.note}`,
  ]
  return lines.join('\n') + '\n'
}

/** The Electron binary when it was downloaded with the package (it cannot be on every machine). */
function electronBinary(): string | null {
  try {
    const pkg = dirname(require.resolve('electron/package.json'))
    const pathFile = join(pkg, 'path.txt')
    if (!existsSync(pathFile)) return null
    const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

/** Opens the app on the project: Electron when present, else the browser host (prints its URL). */
async function openApp(ctx: CommandContext, dir: string): Promise<number> {
  const mainDir = __dirname
  const appRoot = resolve(mainDir, '..', '..')
  const electron = electronBinary()
  if (electron && existsSync(join(mainDir, 'index.js'))) {
    ctx.io.stdout.write(`Opening OpenBEATs Studio (the demo project is in its recent projects)…\n`)
    spawn(electron, [appRoot], { stdio: 'ignore', detached: true }).unref()
    return 0
  }
  const serve = join(mainDir, 'serve.js')
  if (!existsSync(serve)) throw new AppError('NOT_FOUND', `cannot open the app: ${serve} is missing (run npm run build first)`)
  ctx.io.stdout.write('Electron is not installed here: starting the browser host (Ctrl-C stops it)…\n')
  const child = spawn(process.execPath, [serve, '--project', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  child.stdout.setEncoding('utf8').on('data', (text: string) => ctx.io.stdout.write(text))
  const stop = () => child.kill('SIGINT')
  ctx.signal.addEventListener('abort', stop, { once: true })
  return new Promise((done) => child.on('exit', (code) => done(code ?? 0)))
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'generate a demo season (synthetic species at several sites), analyse it and check the detections against the truth',
  usage: 'PROJECT [--hours H] [--sites N] [--seed S] [--reuse] [--open] [--json]   (defaults: 0.6 h of 1-minute files, 3 sites, seed 42)',
  options: {
    hours: { type: 'string' },
    sites: { type: 'string' },
    seed: { type: 'string' },
    'file-seconds': { type: 'string' },
    reuse: { type: 'boolean' },
    open: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const dir = resolve(ctx.positionals[0])
    const options = { hours: numberOption(ctx, 'hours', false), sites: numberOption(ctx, 'sites', true), seed: numberOption(ctx, 'seed', true), fileSeconds: numberOption(ctx, 'file-seconds', false) }
    const reportPath = join(dir, DEMO_REPORT_FILE)
    let report: DemoReport
    if (flagOption(ctx, 'reuse') && existsSync(reportPath)) {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as DemoReport
      ctx.io.stderr.write(`Reusing the demo project in ${dir} (delete the folder to generate it again).\n`)
    } else {
      const services = ctx.services()
      const call = { signal: ctx.signal, transport: 'cli' as const }
      await services.handlers.projects.create({ dir, name: 'OpenBEATs demo season' }, call)
      const project = services.session.require()
      const bar = createProgressBar(ctx.io.stderr, 'Generating')
      report = await buildDemoProject(
        {
          db: project.db,
          projectDir: project.dir,
          signal: ctx.signal,
          runJob: (params, label) => runProjectJob(ctx, dir, { params }, label),
          onStep: (m) => ctx.io.stderr.write(`${m}\n`),
          onGenerate: (done, total) => {
            bar.update({ done, total, unit: 'files', rate: null, etaSeconds: null, message: null })
            if (done === total) bar.done()
          },
        },
        options,
      )
      // The app opens the project next: this process lets go of it first.
      await services.handlers.projects.close({}, call)
    }
    ctx.io.stdout.write(flagOption(ctx, 'json') ? JSON.stringify(report, null, 2) + '\n' : summary(dir, report))
    if (flagOption(ctx, 'open')) return openApp(ctx, dir)
  },
}
