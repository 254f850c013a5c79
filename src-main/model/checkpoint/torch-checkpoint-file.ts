// A PyTorch zip checkpoint opened for reading: the pickle is parsed (safely) up front, tensors
// are read from the archive one at a time when asked for.
import { AppError, throwIfAborted } from '../../errors'
import type { Tensor } from '../types'
import { unpickle } from './pickle'
import { materializeView, storageToFloat32, viewExtent } from './tensor-data'
import { DTYPE_ITEMSIZE, torchPickleHooks, type StorageRef, type TensorRef } from './torch-pickle'
import { ZipArchive, type ZipEntry } from './zip-archive'

const MAX_EXPANDED_VIEW = 2 ** 26

export class TorchCheckpointFile {
  readonly source: string
  /** The unpickled top-level object: Maps, arrays, primitives, and TensorRefs for tensors. */
  readonly root: unknown
  readonly littleEndian: boolean
  /** The archive's top folder (`archive`, or the file's stem). */
  readonly prefix: string
  private readonly archive: ZipArchive
  private readonly cache = new Map<StorageRef, { data: Float32Array; uses: number }>()
  private readonly planned = new Map<StorageRef, number>()

  private constructor(archive: ZipArchive, prefix: string, root: unknown, littleEndian: boolean) {
    this.archive = archive
    this.source = archive.source
    this.prefix = prefix
    this.root = root
    this.littleEndian = littleEndian
  }

  get fileSize(): number {
    return this.archive.fileSize
  }

  /** Opens the archive, finds `<prefix>/data.pkl` and unpickles it with the torch allow-list. */
  static async open(path: string): Promise<TorchCheckpointFile> {
    const archive = await ZipArchive.open(path)
    try {
      const pkl = [...archive.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n))
      if (pkl.length !== 1) {
        throw new AppError('CHECKPOINT_INVALID', `${path}: ${pkl.length === 0 ? 'no <folder>/data.pkl in the zip: not a torch.save checkpoint' : `${pkl.length} data.pkl entries`}`)
      }
      const prefix = pkl[0].slice(0, -'/data.pkl'.length)
      let littleEndian = true
      const order = archive.entries.get(`${prefix}/byteorder`)
      if (order) {
        const text = new TextDecoder().decode(await archive.read(order)).trim()
        if (text !== 'little' && text !== 'big') throw new AppError('CHECKPOINT_INVALID', `${path}: byteorder entry says ${JSON.stringify(text.slice(0, 20))}`)
        littleEndian = text === 'little'
      }
      const hooks = torchPickleHooks(path)
      const root = unpickle(await archive.read(archive.entries.get(pkl[0]) as ZipEntry), { source: path, ...hooks })
      return new TorchCheckpointFile(archive, prefix, root, littleEndian)
    } catch (err) {
      await archive.close()
      throw err
    }
  }

  async close(): Promise<void> {
    this.cache.clear()
    await this.archive.close()
  }

  /**
   * Announces the tensors about to be read, so a storage shared by several of them is read once
   * and released after its last use.
   */
  plan(refs: Iterable<TensorRef>): void {
    for (const r of refs) this.planned.set(r.storage, (this.planned.get(r.storage) ?? 0) + 1)
  }

  /** Bytes of the storages behind `refs` (each counted once), for progress reporting. */
  storageBytes(refs: Iterable<TensorRef>): number {
    const seen = new Set<StorageRef>()
    let total = 0
    for (const r of refs) {
      if (!seen.has(r.storage)) total += r.storage.numel * DTYPE_ITEMSIZE[r.storage.dtype]
      seen.add(r.storage)
    }
    return total
  }

  /** Reads one tensor as float32 in C order. */
  async tensor(ref: TensorRef, name: string, signal?: AbortSignal): Promise<Tensor> {
    throwIfAborted(signal)
    const { storage } = ref
    const extent = viewExtent(ref.offset, ref.shape, ref.stride)
    if (extent > storage.numel) {
      throw new AppError('CHECKPOINT_INVALID', `${this.source}: tensor ${name} (shape ${JSON.stringify(ref.shape)}, offset ${ref.offset}) reaches past its storage of ${storage.numel} items`)
    }
    // A broadcast view (stride 0) can describe far more items than its storage holds.
    const numel = ref.numel
    if (numel > storage.numel && numel > MAX_EXPANDED_VIEW) {
      throw new AppError('CHECKPOINT_INVALID', `${this.source}: tensor ${name} views ${numel} items over a storage of ${storage.numel}`)
    }
    const data = await this.storageData(storage, name)
    return { shape: [...ref.shape], data: materializeView(data, ref.offset, ref.shape, ref.stride) }
  }

  private async storageData(storage: StorageRef, name: string): Promise<Float32Array> {
    const cached = this.cache.get(storage)
    if (cached) {
      if (--cached.uses <= 0) this.cache.delete(storage)
      return cached.data
    }
    const entryName = `${this.prefix}/data/${storage.key}`
    const entry = this.archive.entries.get(entryName)
    if (!entry) throw new AppError('CHECKPOINT_INVALID', `${this.source}: storage ${storage.key} of tensor ${name} is missing from the archive (${entryName})`)
    const itemSize = DTYPE_ITEMSIZE[storage.dtype]
    const bytes = storage.numel * itemSize
    this.archive.checkSizes(entry)
    if (entry.size < bytes) {
      throw new AppError('CHECKPOINT_INVALID', `${this.source}: storage ${storage.key} of tensor ${name} should hold ${bytes} bytes but its entry has ${entry.size}`)
    }
    // Read float32 storages straight into their final array; others into a scratch buffer.
    const target = storage.dtype === 'float32' && entry.size === bytes ? new Uint8Array(new Float32Array(storage.numel).buffer) : new Uint8Array(entry.size)
    const raw = await this.archive.read(entry, target)
    const data = storageToFloat32(raw.subarray(0, bytes), storage.dtype, storage.numel, this.littleEndian)
    const uses = (this.planned.get(storage) ?? 1) - 1
    if (uses > 0) this.cache.set(storage, { data, uses })
    return data
  }
}
