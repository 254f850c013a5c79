// Execution provider ids as the engine reports them, in words.
const NAMES: Record<string, string> = {
  cpu: 'the CPU',
  cuda: 'an NVIDIA GPU (CUDA)',
  tensorrt: 'an NVIDIA GPU (TensorRT)',
  dml: 'a GPU through DirectML',
  directml: 'a GPU through DirectML',
  coreml: 'Apple Core ML',
  webgpu: 'a GPU through WebGPU',
}

export function providerName(id: string): string {
  return NAMES[id.toLowerCase()] ?? id
}
