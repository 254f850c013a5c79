// onnxruntime-node ships its CUDA execution provider outside the npm package: its install script
// downloads the provider libraries from NuGet into the binding folder. These helpers find that
// folder, tell whether the files are there, look for an NVIDIA GPU, and run that same install
// script on request (instead of reimplementing the download).
import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const CUDA_PROVIDER_FILES: Partial<Record<string, string[]>> = {
  'linux/x64': ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'],
}

function ortPackageDir(): string {
  return dirname(createRequire(__filename).resolve('onnxruntime-node/package.json'))
}

export function ortVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(ortPackageDir(), 'package.json'), 'utf8'))
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown'
}

/** Where onnxruntime-node loads its native libraries (and provider plug-ins) from. */
export function ortBinaryDir(): string {
  return join(ortPackageDir(), 'bin', 'napi-v6', process.platform, process.arch)
}

/** True when onnxruntime-node can fetch a CUDA provider for this platform at all. */
export function cudaProviderAvailableForPlatform(): boolean {
  return CUDA_PROVIDER_FILES[`${process.platform}/${process.arch}`] !== undefined
}

/** Paths of the CUDA provider libraries that are missing (empty when installed). */
export function missingCudaProviderFiles(): string[] {
  const files = CUDA_PROVIDER_FILES[`${process.platform}/${process.arch}`] ?? []
  return files.map((f) => join(ortBinaryDir(), f)).filter((p) => !existsSync(p))
}

export interface NvidiaGpu {
  /** e.g. "NVIDIA H100 80GB HBM3" or "NVIDIA driver 550.54" when nvidia-smi is absent */
  description: string
}

/** Looks for an NVIDIA GPU through nvidia-smi, falling back to the Linux driver's /proc entry. */
export async function detectNvidiaGpu(): Promise<NvidiaGpu | undefined> {
  const smi = await new Promise<string | undefined>((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 3000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout))
  })
  const names = (smi ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
  if (names.length > 0) return { description: names.join(', ') }
  const procVersion = '/proc/driver/nvidia/version'
  if (existsSync(procVersion)) {
    const m = /Kernel Module\s+([\d.]+)/.exec(readFileSync(procVersion, 'utf8'))
    return { description: `NVIDIA driver ${m?.[1] ?? 'loaded'}` }
  }
  return undefined
}

export interface CudaInstallResult {
  ok: boolean
  /** What happened, in one or two sentences for people. */
  message: string
  /** The install script's output (download/extract lines or the error). */
  log: string
}

/**
 * Runs onnxruntime-node's own install script in forced mode, which
 * resolves Microsoft.ML.OnnxRuntime.Gpu.Linux <version> on nuget.org and extracts the provider
 * libraries into the binding folder (proxy settings: GLOBAL_AGENT_HTTPS_PROXY).
 */
export async function installCudaProvider(opts: { force?: boolean; onOutput?: (text: string, stream: 'stdout' | 'stderr') => void } = {}): Promise<CudaInstallResult> {
  const platform = `${process.platform}/${process.arch}`
  if (!cudaProviderAvailableForPlatform()) {
    return {
      ok: false,
      message: `onnxruntime-node ${ortVersion()} offers no CUDA provider for ${platform}` + (process.platform === 'win32' ? ' (on Windows the bundled DirectML provider uses the GPU instead).' : '.'),
      log: '',
    }
  }
  if (!opts.force && missingCudaProviderFiles().length === 0) {
    return { ok: true, message: `The CUDA provider is already installed in ${ortBinaryDir()}.`, log: '' }
  }
  const script = join(ortPackageDir(), 'script', 'install.js')
  // `--onnxruntime-node-install` (no value) forces the platform's download list (cuda12 on
  // linux/x64). The script ignores a string value such as `=cuda12` (its parser returns nothing
  // for it) and then exits early when npm's npm_config_local_prefix/npm_package_json variables
  // say "local install", so pass the bare flag and a clean environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')))
  let log = ''
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [script, '--onnxruntime-node-install'], {
      cwd: ortPackageDir(),
      env: { ...env, ONNXRUNTIME_NODE_INSTALL: '1', ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const collect =
      (stream: 'stdout' | 'stderr') =>
      (b: Buffer): void => {
        const text = b.toString()
        log += text
        opts.onOutput?.(text, stream)
      }
    child.stdout.on('data', collect('stdout'))
    child.stderr.on('data', collect('stderr'))
    child.on('error', (err) => {
      log += String(err)
      resolve(-1)
    })
    child.on('close', (c) => resolve(c ?? -1))
  })
  const missing = missingCudaProviderFiles()
  if (code === 0 && missing.length === 0) {
    return { ok: true, message: `Installed the CUDA provider for onnxruntime-node ${ortVersion()} into ${ortBinaryDir()}.`, log }
  }
  const lastLine = log.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit code ${code}`
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|getaddrinfo/.test(log)
  return {
    ok: false,
    message:
      (offline
        ? `Could not reach nuget.org to download the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu.Linux ${ortVersion()}): this machine seems to be offline or behind a proxy (set GLOBAL_AGENT_HTTPS_PROXY).`
        : `Downloading the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu.Linux ${ortVersion()}) failed: ${lastLine}.`) +
      ` Alternatively copy ${CUDA_PROVIDER_FILES[platform]?.join(', ')} from that NuGet package into ${ortBinaryDir()}.`,
    log,
  }
}
