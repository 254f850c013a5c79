// The SIMD kernels behind head training, scoring and search, emitted as one WebAssembly module.
// Every kernel works on byte addresses in one shared memory, so the same compiled module runs on
// the calling thread and on the helper threads of a ComputeContext.
//
// Matrix operands ("A") are given as arrays of row addresses: a mini-batch gathered by index and a
// dense matrix are then the same thing to the kernel, and no gather copy is needed.

import { emitNN, emitTN } from './gemm-kernels'
import { emitInt8Scores, emitQuantizeRows } from './search-kernels'
import { LOSS_KERNELS } from './loss-kernels'
import { VECTOR_KERNELS } from './vector-kernels'
import { wasm, type WasmModule } from './wasm-api'
import { F32, I32, ModuleBuilder, type ValType } from './wasm-emitter'

/** Row tiles × column-vector tiles of the f32 kernels (each vector holds 4 columns). */
export const NN_TILES = [
  { mr: 4, nv: 3 },
  { mr: 4, nv: 2 },
  { mr: 4, nv: 1 },
  { mr: 1, nv: 3 },
  { mr: 1, nv: 2 },
  { mr: 1, nv: 1 },
] as const
export const TN_TILES = [
  { mr: 4, nv: 3 },
  { mr: 4, nv: 2 },
  { mr: 4, nv: 1 },
] as const

export interface KernelSignature {
  name: string
  params: readonly ValType[]
}

const NN_PARAMS: readonly ValType[] = [I32, I32, I32, I32, I32, I32, I32]
const TN_PARAMS: readonly ValType[] = [I32, I32, I32, I32, I32, I32, I32, I32, I32]
const INT8_PARAMS: readonly ValType[] = [I32, I32, I32, I32, F32]

export const nnKernelName = (mr: number, nv: number): string => `nn_${mr}x${nv}`
export const tnKernelName = (mr: number, nv: number): string => `tn_${mr}x${nv}`
export const INT8_SCORES = 'int8_scores'
export const QUANTIZE_ROWS = 'quantize_rows'
const QUANTIZE_PARAMS: readonly ValType[] = [I32, I32, I32, I32, I32, I32]

/** Names and parameter types of every exported kernel, in export order. */
export const KERNEL_SIGNATURES: readonly KernelSignature[] = [
  ...NN_TILES.map(({ mr, nv }) => ({ name: nnKernelName(mr, nv), params: NN_PARAMS })),
  ...TN_TILES.map(({ mr, nv }) => ({ name: tnKernelName(mr, nv), params: TN_PARAMS })),
  { name: INT8_SCORES, params: INT8_PARAMS },
  { name: QUANTIZE_ROWS, params: QUANTIZE_PARAMS },
  ...[...VECTOR_KERNELS, ...LOSS_KERNELS].map(({ name, params }) => ({ name, params })),
]

/** Pages of 64 KiB; 65536 pages is the 4 GiB ceiling of 32-bit WebAssembly memory. */
export const MAX_PAGES = 65536

let compiled: WasmModule | undefined

/** The kernel module, compiled once per process. */
export function kernelModule(): WasmModule {
  if (compiled) return compiled
  const mb = new ModuleBuilder({ initialPages: 1, maximumPages: MAX_PAGES, shared: true })
  for (const { mr, nv } of NN_TILES) mb.addFunction(nnKernelName(mr, nv), NN_PARAMS, [], (f) => emitNN(f, mr, nv))
  for (const { mr, nv } of TN_TILES) mb.addFunction(tnKernelName(mr, nv), TN_PARAMS, [], (f) => emitTN(f, mr, nv))
  mb.addFunction(INT8_SCORES, INT8_PARAMS, [], emitInt8Scores)
  mb.addFunction(QUANTIZE_ROWS, QUANTIZE_PARAMS, [], emitQuantizeRows)
  for (const k of [...VECTOR_KERNELS, ...LOSS_KERNELS]) mb.addFunction(k.name, k.params, [], k.emit)
  compiled = new wasm.Module(mb.toBytes())
  return compiled
}
