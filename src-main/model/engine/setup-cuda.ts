// `npm run setup:cuda [-- --force] [-- --verbose]`: fetches onnxruntime's CUDA execution provider (not in the npm package)
// through onnxruntime-node's own install script. Exit code 0 when the provider is in place.
import { detectNvidiaGpu, installCudaProvider } from './cuda-provider'

async function main(): Promise<void> {
  const force = process.argv.includes('--force')
  const verbose = process.argv.includes('--verbose')
  const gpu = await detectNvidiaGpu()
  console.log(gpu ? `NVIDIA GPU: ${gpu.description}` : 'No NVIDIA GPU found (installing anyway; the app will keep using the CPU without one).')
  // The installer prints "Downloading …/Extracting …" on stdout; its stderr is a stack trace on failure.
  const result = await installCudaProvider({ force, onOutput: (text, stream) => (stream === 'stdout' || verbose) && process.stdout.write(text) })
  console.log(result.message)
  if (!result.ok && !verbose) console.log('(run with --verbose to see the installer output)')
  if (result.ok) console.log('The CUDA provider also needs the CUDA 12 runtime and cuDNN 9 libraries on the library path.')
  process.exit(result.ok ? 0 : 1)
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
