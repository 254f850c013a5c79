// Storage bytes → float32 values, and strided views → C-order arrays.
import { DTYPE_ITEMSIZE, type TorchDtype } from './torch-pickle'

let halfTable: Float32Array | undefined

// All 65536 half-precision values: decoding a Half storage is then a table lookup per item.
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536)
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1
      const exp = (h >> 10) & 0x1f
      const frac = h & 0x3ff
      halfTable[h] = exp === 0 ? sign * frac * 2 ** -24 : exp === 31 ? (frac ? Number.NaN : sign * Infinity) : sign * (1 + frac / 1024) * 2 ** (exp - 15)
    }
  }
  return halfTable
}

const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Reverses each `itemSize`-byte group in place (big-endian file on this little-endian host, or vice versa). */
function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 1) return
  for (let i = 0; i + itemSize <= bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a]
      bytes[a] = bytes[b]
      bytes[b] = t
    }
  }
}

/**
 * Decodes `numel` items of `dtype` from `bytes` (in the file's byte order) to float32. A float32
 * storage in host order whose bytes are 4-byte aligned is returned as a view, without a copy.
 */
export function storageToFloat32(bytes: Uint8Array, dtype: TorchDtype, numel: number, littleEndian: boolean): Float32Array {
  if (littleEndian !== hostLittleEndian) swapBytes(bytes, DTYPE_ITEMSIZE[dtype])
  const buf = bytes.buffer
  const at = bytes.byteOffset
  const aligned = (n: number): boolean => at % n === 0
  const src = <T>(make: (b: ArrayBufferLike, o: number, n: number) => T, size: number): T =>
    aligned(size) ? make(buf, at, numel) : make(bytes.slice(0, numel * size).buffer, 0, numel)
  switch (dtype) {
    case 'float32':
      return src((b, o, n) => new Float32Array(b, o, n), 4)
    case 'float64':
      return Float32Array.from(src((b, o, n) => new Float64Array(b, o, n), 8))
    case 'float16': {
      const table = halfToFloatTable()
      const h = src((b, o, n) => new Uint16Array(b, o, n), 2)
      const out = new Float32Array(numel)
      for (let i = 0; i < numel; i++) out[i] = table[h[i]]
      return out
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32.
      const h = src((b, o, n) => new Uint16Array(b, o, n), 2)
      const out = new Float32Array(numel)
      const bits = new Uint32Array(out.buffer)
      for (let i = 0; i < numel; i++) bits[i] = h[i] << 16
      return out
    }
    case 'int64': {
      const v = src((b, o, n) => new BigInt64Array(b, o, n), 8)
      const out = new Float32Array(numel)
      for (let i = 0; i < numel; i++) out[i] = Number(v[i])
      return out
    }
    case 'int32':
      return Float32Array.from(src((b, o, n) => new Int32Array(b, o, n), 4))
    case 'int16':
      return Float32Array.from(src((b, o, n) => new Int16Array(b, o, n), 2))
    case 'int8':
      return Float32Array.from(new Int8Array(buf, at, numel))
    case 'uint8':
    case 'bool':
      return Float32Array.from(new Uint8Array(buf, at, numel))
  }
}

/** Highest storage index a view touches + 1 (0 for an empty view). */
export function viewExtent(offset: number, shape: readonly number[], stride: readonly number[]): number {
  let last = offset
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return 0
    last += (shape[d] - 1) * stride[d]
  }
  return last + 1
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false
    expected *= shape[d]
  }
  return true
}

/**
 * The view's values in C order. A contiguous view covering the whole storage is the storage
 * itself (no copy); anything else is copied, so a small view never pins a large storage.
 */
export function materializeView(storage: Float32Array, offset: number, shape: readonly number[], stride: readonly number[]): Float32Array {
  const numel = shape.reduce((a, b) => a * b, 1)
  if (isContiguous(shape, stride)) {
    return offset === 0 && numel === storage.length ? storage : storage.slice(offset, offset + numel)
  }
  const out = new Float32Array(numel)
  const rank = shape.length
  const index = new Array<number>(rank).fill(0)
  let src = offset
  for (let i = 0; i < numel; i++) {
    out[i] = storage[src]
    // Odometer over the dimensions, last fastest.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++
      src += stride[d]
      if (index[d] < shape[d]) break
      src -= stride[d] * shape[d]
      index[d] = 0
    }
  }
  return out
}
