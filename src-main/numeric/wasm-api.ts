// The WebAssembly JS API, typed locally: src-main compiles against the ES2023 library without DOM,
// and the Node 20 typings do not declare the WebAssembly namespace. Only what our kernels use.

export interface WasmMemory {
  readonly buffer: SharedArrayBuffer
  grow(deltaPages: number): number
}

/** A compiled module; structured-cloneable to worker threads. */
export interface WasmModule {
  readonly __wasmModule?: never
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => WasmInstance
  validate(bytes: Uint8Array): boolean
}

const api: unknown = Reflect.get(globalThis, 'WebAssembly')
export const wasm = api as WasmApi
