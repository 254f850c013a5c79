// The environment check behind Settings → GPU training: runs `python -m openbeats_trainer --check`
// and turns what it finds (or how it fails) into a status and sentences that say exactly what is
// missing and how to get it.
import { z } from 'zod'
import type { TrainerEnvironment, TrainerGpu } from '../../src-shared/contracts'
import { AppError, toErrorData } from '../errors'
import { trainerDir as findTrainerDir, trainerEnv } from './trainer-location'
import { runTrainerProcess } from './trainer-process'

const MIN_PYTHON: readonly [number, number] = [3, 9]
const MIN_TORCH: readonly [number, number] = [1, 13]
const CHECK_TIMEOUT_MS = 90_000
const INSTALL_TORCH = 'install PyTorch for it: on Debian/Ubuntu `sudo apt install python3-torch`, elsewhere `pip install torch` (with CUDA for an NVIDIA GPU: see pytorch.org/get-started)'

// What the trainer reports (cli.environment); loose, extra keys ignored.
const Reported = z.object({
  python: z.string(),
  executable: z.string().optional(),
  torch: z.string().optional(),
  torch_error: z.string().optional(),
  cuda_build: z.string().nullable().optional(),
  cuda_available: z.boolean().optional(),
  bf16: z.boolean().optional(),
  gpus: z.array(z.object({ index: z.number(), name: z.string(), total_memory: z.number(), free_memory: z.number().optional() })).optional(),
  torchaudio: z.string().nullable().optional(),
  numpy: z.string().nullable().optional(),
  yaml: z.string().nullable().optional(),
  onnx: z.string().nullable().optional(),
  onnxruntime: z.string().nullable().optional(),
})
type Reported = z.infer<typeof Reported>

export interface CheckOptions {
  python: string
  /** Default: the trainer folder found by trainerDir(). */
  trainerDir?: string
  signal?: AbortSignal
  timeoutMs?: number
}

function versionTuple(text: string | null | undefined): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(text ?? '')
  return m ? [Number(m[1]), Number(m[2])] : null
}

function older(v: [number, number], min: readonly [number, number]): boolean {
  return v[0] < min[0] || (v[0] === min[0] && v[1] < min[1])
}

function emptyEnvironment(python: string, dir: string): TrainerEnvironment {
  return {
    status: 'unavailable',
    python,
    trainerDir: dir,
    pythonVersion: null,
    torch: null,
    cudaBuild: null,
    cudaAvailable: false,
    gpus: [],
    bf16: null,
    packages: {},
    problems: [],
    notes: [],
    checkedAt: new Date().toISOString(),
  }
}

/** `python --version` when the trainer's own check could not run. */
async function pythonVersion(python: string, dir: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const exit = await runTrainerProcess({
      python,
      args: ['-c', 'import platform, json; print(json.dumps({"type": "done", "status": "completed", "environment": {"python": platform.python_version()}}))'],
      cwd: dir,
      env: trainerEnv(dir),
      signal,
      timeoutMs: 30_000,
      graceMs: 2_000,
    })
    const v = exit.done?.environment?.python
    return typeof v === 'string' ? v : null
  } catch {
    return null
  }
}

/** Why the check process failed, from its stderr. */
function explainFailure(stderr: string, python: string, version: string | null, dir: string): string {
  const missing = /No module named '([^'.]+)/.exec(stderr)?.[1]
  const who = `${python}${version ? ` (Python ${version})` : ''}`
  if (missing === 'torch') return `PyTorch is not installed for ${who}: ${INSTALL_TORCH}`
  if (missing === 'numpy') return `numpy is not installed for ${who}: \`sudo apt install python3-numpy\` or \`pip install numpy\``
  if (missing === 'openbeats_trainer') return `the trainer package was not found in ${dir}: reinstall the app`
  if (missing) return `the Python module "${missing}" is missing for ${who}: \`pip install ${missing}\``
  if (/SyntaxError/.test(stderr)) return `${who} cannot run the trainer: it needs Python ${MIN_PYTHON.join('.')} or newer`
  const last = stderr.trim().split('\n').filter(Boolean).at(-1)
  return `the trainer's environment check failed with ${who}${last ? `: ${last}` : ''}`
}

function fromReport(env: TrainerEnvironment, r: Reported): TrainerEnvironment {
  const problems: string[] = []
  const notes: string[] = []
  const py = versionTuple(r.python)
  if (py && older(py, MIN_PYTHON)) problems.push(`Python ${r.python} is too old: the trainer needs Python ${MIN_PYTHON.join('.')} or newer`)
  if (!r.torch) problems.push(`PyTorch cannot be imported${r.torch_error ? ` (${r.torch_error})` : ''}: ${INSTALL_TORCH}`)
  const torch = versionTuple(r.torch)
  if (torch && older(torch, MIN_TORCH)) problems.push(`PyTorch ${r.torch} is too old: the trainer needs ${MIN_TORCH.join('.')} or newer (\`pip install -U torch\`)`)
  if (r.numpy === null) problems.push('numpy is not installed: `sudo apt install python3-numpy` or `pip install numpy`')
  const cuda = r.cuda_available === true
  if (r.torch && !cuda) {
    notes.push('CPU only — jobs will run but slowly (a Base model trains one to two orders of magnitude slower than on a GPU).')
    if (!r.cuda_build) notes.push('This PyTorch is a CPU build; for an NVIDIA GPU install a CUDA build of PyTorch (pytorch.org/get-started).')
    else notes.push(`PyTorch was built with CUDA ${r.cuda_build} but sees no GPU: check the NVIDIA driver (nvidia-smi).`)
  }
  if (r.torchaudio === null) notes.push('torchaudio is not installed: WAV recordings at 16 kHz work; other formats and sample rates need it (`pip install torchaudio`).')
  if (r.yaml === null) notes.push('pyyaml is not installed: ESPnet checkpoints with a config.yaml cannot be used (`pip install pyyaml`).')
  const gpus: TrainerGpu[] = (r.gpus ?? []).map((g) => ({ index: g.index, name: g.name, totalMemoryBytes: g.total_memory, freeMemoryBytes: g.free_memory ?? null }))
  if (cuda && gpus.length > 1) notes.push(`${gpus.length} GPUs: a job uses one; export a bundle to train on all of them with torchrun.`)
  if (cuda && r.bf16 === false) notes.push('This GPU has no bf16: training runs in fp16 with loss scaling.')
  return {
    ...env,
    status: problems.length > 0 ? 'unavailable' : cuda ? 'ready' : 'cpu-only',
    pythonVersion: r.python,
    torch: r.torch ?? null,
    cudaBuild: r.cuda_build ?? null,
    cudaAvailable: cuda,
    gpus,
    bf16: r.bf16 ?? null,
    packages: { numpy: r.numpy ?? null, torchaudio: r.torchaudio ?? null, pyyaml: r.yaml ?? null, onnx: r.onnx ?? null, onnxruntime: r.onnxruntime ?? null },
    problems,
    notes,
  }
}

export async function checkTrainerEnvironment(o: CheckOptions): Promise<TrainerEnvironment> {
  let dir: string
  try {
    dir = o.trainerDir ?? findTrainerDir()
  } catch (err) {
    return { ...emptyEnvironment(o.python, ''), problems: [toErrorData(err).message] }
  }
  const env = emptyEnvironment(o.python, dir)
  let exit
  try {
    exit = await runTrainerProcess({
      python: o.python,
      args: ['-m', 'openbeats_trainer', '--check'],
      cwd: dir,
      env: trainerEnv(dir),
      signal: o.signal,
      timeoutMs: o.timeoutMs ?? CHECK_TIMEOUT_MS,
      graceMs: 2_000,
    })
  } catch (err) {
    const e = toErrorData(err)
    if (e.code === 'CANCELLED') throw err
    return { ...env, problems: [`${o.python} could not be started (${e.message}): install Python ${MIN_PYTHON.join('.')}+ (e.g. \`sudo apt install python3\`) or set its path in Settings → GPU training`] }
  }
  if (exit.aborted) throw new AppError('CANCELLED', 'the environment check was cancelled')
  const reported = Reported.safeParse(exit.done?.environment)
  if (reported.success) return fromReport(env, reported.data)
  if (exit.timedOut) return { ...env, problems: [`${o.python} -m openbeats_trainer --check did not answer within ${Math.round((o.timeoutMs ?? CHECK_TIMEOUT_MS) / 1000)} s`] }
  const version = await pythonVersion(o.python, dir, o.signal)
  return { ...env, pythonVersion: version, problems: [explainFailure(exit.stderrTail, o.python, version, dir)] }
}
