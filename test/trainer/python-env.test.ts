// The environment check's reading of what `python -m openbeats_trainer --check` reports (or how it
// fails), with fake interpreters: shell scripts that answer like a Python without torch, with a
// CPU-only torch, with CUDA GPUs, or an old one.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkTrainerEnvironment } from '../../src-main/trainer/python-env'
import { trainerDir } from '../../src-main/trainer/trainer-location'
import { tempDir } from '../helpers/main-services'
import { hasTorch, SYSTEM_PYTHON } from './trainer-project'

const tmp = tempDir('obs-python-env-')
afterAll(() => tmp.cleanup())

/** A fake `python`: `--check` prints `checkJson` (or fails with `stderr`); `-c …` prints the version probe. */
function fakePython(name: string, o: { checkJson?: object; stderr?: string; version?: string }): string {
  const path = join(tmp.path, name)
  const check = o.checkJson ? `echo '${JSON.stringify({ type: 'done', status: 'completed', environment: o.checkJson })}'` : `cat >&2 <<'TRACE'\n${o.stderr ?? ''}\nTRACE\nexit 1`
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1" = "-c" ]; then echo '{"type":"done","status":"completed","environment":{"python":"${o.version ?? '3.11.2'}"}}'; exit 0; fi
if [ "$1" = "-m" ] && [ "$3" = "--check" ]; then ${check}; exit 0; fi
exit 2
`,
  )
  chmodSync(path, 0o755)
  return path
}

const BASE = { python: '3.11.2', executable: '/usr/bin/python3', numpy: '1.24.2', yaml: '6.0', torchaudio: '0.13.1', onnx: null, onnxruntime: null }

describe('trainer environment check', () => {
  it('reports a missing interpreter and how to get one', async () => {
    const env = await checkTrainerEnvironment({ python: join(tmp.path, 'no-such-python') })
    expect(env.status).toBe('unavailable')
    expect(env.pythonVersion).toBeNull()
    expect(env.problems).toHaveLength(1)
    expect(env.problems[0]).toContain('could not be started (cannot run')
    expect(env.problems[0]).toContain('install Python 3.9+')
  })

  it('says that PyTorch is missing and names python3-torch and pip install torch', async () => {
    const python = fakePython('no-torch', { stderr: "ModuleNotFoundError: No module named 'torch'", version: '3.12.1' })
    const env = await checkTrainerEnvironment({ python })
    expect(env).toMatchObject({ status: 'unavailable', pythonVersion: '3.12.1', torch: null, cudaAvailable: false })
    expect(env.problems).toEqual([
      `PyTorch is not installed for ${python} (Python 3.12.1): install PyTorch for it: on Debian/Ubuntu \`sudo apt install python3-torch\`, elsewhere \`pip install torch\` (with CUDA for an NVIDIA GPU: see pytorch.org/get-started)`,
    ])
  })

  it('names numpy when that is what is missing', async () => {
    const env = await checkTrainerEnvironment({ python: fakePython('no-numpy', { stderr: "ModuleNotFoundError: No module named 'numpy'" }) })
    expect(env.problems[0]).toMatch(/^numpy is not installed for .*: `sudo apt install python3-numpy` or `pip install numpy`$/)
  })

  it('accepts PyTorch without CUDA as CPU only, slow', async () => {
    const env = await checkTrainerEnvironment({ python: fakePython('cpu-torch', { checkJson: { ...BASE, torch: '2.4.0+cpu', cuda_build: null, cuda_available: false, gpus: [] } }) })
    expect(env).toMatchObject({ status: 'cpu-only', pythonVersion: '3.11.2', torch: '2.4.0+cpu', cudaBuild: null, cudaAvailable: false, gpus: [], problems: [] })
    expect(env.notes[0]).toMatch(/^CPU only — jobs will run but slowly/)
    expect(env.notes[1]).toContain('CPU build')
    expect(env.packages).toEqual({ numpy: '1.24.2', torchaudio: '0.13.1', pyyaml: '6.0', onnx: null, onnxruntime: null })
  })

  it('tells a CUDA build that sees no GPU to check the driver', async () => {
    const env = await checkTrainerEnvironment({ python: fakePython('cuda-no-gpu', { checkJson: { ...BASE, torch: '2.4.0', cuda_build: '12.1', cuda_available: false, gpus: [] } }) })
    expect(env.status).toBe('cpu-only')
    expect(env.notes[1]).toBe('PyTorch was built with CUDA 12.1 but sees no GPU: check the NVIDIA driver (nvidia-smi).')
  })

  it('lists the GPUs with their memory and bf16 when CUDA works', async () => {
    const gpus = [
      { index: 0, name: 'NVIDIA H100 80GB HBM3', total_memory: 85_000_000_000, free_memory: 84_000_000_000 },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', total_memory: 85_000_000_000 },
    ]
    const env = await checkTrainerEnvironment({ python: fakePython('cuda', { checkJson: { ...BASE, torch: '2.11.0', cuda_build: '12.8', cuda_available: true, bf16: true, gpus } }) })
    expect(env).toMatchObject({ status: 'ready', cudaAvailable: true, cudaBuild: '12.8', bf16: true, problems: [] })
    expect(env.gpus).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', totalMemoryBytes: 85_000_000_000, freeMemoryBytes: 84_000_000_000 },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', totalMemoryBytes: 85_000_000_000, freeMemoryBytes: null },
    ])
    expect(env.notes).toEqual(['2 GPUs: a job uses one; export a bundle to train on all of them with torchrun.'])
  })

  it('refuses Python and PyTorch that are too old', async () => {
    const env = await checkTrainerEnvironment({ python: fakePython('old', { checkJson: { ...BASE, python: '3.8.10', torch: '1.12.1', cuda_build: null, cuda_available: false, gpus: [] } }) })
    expect(env.status).toBe('unavailable')
    expect(env.problems).toEqual([
      'Python 3.8.10 is too old: the trainer needs Python 3.9 or newer',
      'PyTorch 1.12.1 is too old: the trainer needs 1.13 or newer (`pip install -U torch`)',
    ])
  })

  it('finds the trainer package in resources/trainer', () => {
    expect(trainerDir()).toMatch(/resources[\\/]trainer$/)
  })

  it.skipIf(!hasTorch)('reads the real trainer check of /usr/bin/python3 (skipped without torch)', async () => {
    const env = await checkTrainerEnvironment({ python: SYSTEM_PYTHON })
    expect(['ready', 'cpu-only']).toContain(env.status)
    expect(env.torch).toMatch(/^\d+\.\d+/)
    expect(env.pythonVersion).toMatch(/^3\.\d+/)
    expect(env.problems).toEqual([])
  })
})
