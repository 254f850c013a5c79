// Random-access reader for the zip container of PyTorch checkpoints. Reads only the central
// directory up front; entries are pulled on demand by offset, so a 1.3 GB checkpoint is never
// held twice. Stored entries (PyTorch's norm) are read straight into the caller's buffer;
// deflated ones go through fflate. Zip64 records are honoured.
import { open, type FileHandle } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { inflateSync } from 'fflate'
import { AppError } from '../../errors'

const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CENTRAL_SIG = 0x02014b50
const LOCAL_SIG = 0x04034b50
const EOCD_MIN = 22
const MAX_COMMENT = 0xffff
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024
const U32_MAX = 0xffffffff

export interface ZipEntry {
  name: string
  method: number
  crc32: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

function invalid(source: string, reason: string): AppError {
  return new AppError('CHECKPOINT_INVALID', `${source}: ${reason}`)
}

/** Reads a little-endian u64 as a number; sizes past 2^53 are absurd for a checkpoint. */
function u64(buf: Buffer, at: number, source: string): number {
  const v = buf.readBigUInt64LE(at)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(source, `zip field at ${at} holds an absurd 64-bit size ${v}`)
  return Number(v)
}

export class ZipArchive {
  readonly source: string
  readonly fileSize: number
  readonly entries: ReadonlyMap<string, ZipEntry>
  private readonly handle: FileHandle

  private constructor(source: string, handle: FileHandle, fileSize: number, entries: Map<string, ZipEntry>) {
    this.source = source
    this.handle = handle
    this.fileSize = fileSize
    this.entries = entries
  }

  /** Opens `path` and reads its central directory; the caller must `close()` it. */
  static async open(path: string): Promise<ZipArchive> {
    let handle: FileHandle
    try {
      handle = await open(path, 'r')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      throw new AppError(code === 'ENOENT' ? 'NOT_FOUND' : 'CHECKPOINT_INVALID', `${path}: cannot open (${code ?? String(err)})`)
    }
    try {
      const { size } = await handle.stat()
      const entries = await readCentralDirectory(handle, size, path)
      return new ZipArchive(path, handle, size, entries)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  /** Where the entry's data starts, from its local header (whose extra field may differ from the central one). */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const header = await this.readExactly(entry.localHeaderOffset, 30, `local header of ${entry.name}`)
    if (header.readUInt32LE(0) !== LOCAL_SIG) throw invalid(this.source, `entry ${entry.name} has no local header at offset ${entry.localHeaderOffset}`)
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
    if (start + entry.compressedSize > this.fileSize) {
      throw invalid(this.source, `entry ${entry.name} (${entry.compressedSize} bytes at ${start}) extends past the end of the file (${this.fileSize} bytes): truncated?`)
    }
    return start
  }

  /**
   * Throws unless the directory's sizes are possible: a stored entry lies inside the file, and a
   * deflated one claims no more than deflate's ~1032:1 ratio allows. Callers run this before
   * allocating `entry.size` bytes, so a forged directory cannot make them allocate gigabytes.
   */
  checkSizes(entry: ZipEntry): void {
    const inside = entry.localHeaderOffset + entry.compressedSize <= this.fileSize
    const plausible = entry.method === 0 ? entry.compressedSize === entry.size : entry.size <= 1032 * entry.compressedSize + 1024
    if (!inside || !plausible) {
      throw invalid(this.source, `entry ${entry.name} claims ${entry.size} bytes (${entry.compressedSize} stored) in a file of ${this.fileSize}: truncated or forged`)
    }
  }

  /**
   * The uncompressed bytes of an entry. With `into`, stored entries are read straight into it
   * (it must be exactly `entry.size` bytes), so a caller can read a storage into its final array.
   */
  async read(entry: ZipEntry, into?: Uint8Array): Promise<Uint8Array> {
    if (into && into.byteLength !== entry.size) throw new RangeError(`zip read of ${entry.name}: buffer of ${into.byteLength} bytes for ${entry.size}`)
    this.checkSizes(entry)
    const start = await this.dataOffset(entry)
    let data: Uint8Array
    if (entry.method === 0) {
      data = into ?? new Uint8Array(entry.size)
      await this.readInto(data, start, `entry ${entry.name}`)
    } else if (entry.method === 8) {
      const packed = await this.readExactly(start, entry.compressedSize, `entry ${entry.name}`)
      try {
        data = inflateSync(packed, { out: into ?? new Uint8Array(entry.size) })
      } catch (err) {
        throw invalid(this.source, `entry ${entry.name} does not inflate (${err instanceof Error ? err.message : String(err)})`)
      }
      if (data.byteLength !== entry.size) throw invalid(this.source, `entry ${entry.name} inflates to ${data.byteLength} bytes, the directory says ${entry.size}`)
    } else {
      throw new AppError('CHECKPOINT_UNSUPPORTED', `${this.source}: entry ${entry.name} uses zip compression method ${entry.method} (only stored and deflate are supported)`)
    }
    // A zero CRC is what writers with CRC computation switched off leave; nothing to check then.
    if (entry.crc32 !== 0 && crc32(data) !== entry.crc32) throw invalid(this.source, `entry ${entry.name} is corrupt (CRC mismatch)`)
    return data
  }

  private async readExactly(position: number, length: number, what: string): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length)
    await this.readInto(buf, position, what)
    return buf
  }

  private async readInto(target: Uint8Array, position: number, what: string): Promise<void> {
    await readFully(this.handle, target, position, this.source, what)
  }
}

async function readFully(handle: FileHandle, target: Uint8Array, position: number, source: string, what: string): Promise<void> {
  // fs reads are capped near 2 GiB per call; read in bounded slices.
  const slice = 64 * 1024 * 1024
  let done = 0
  while (done < target.byteLength) {
    const len = Math.min(slice, target.byteLength - done)
    const { bytesRead } = await handle.read(target, done, len, position + done)
    if (bytesRead === 0) throw invalid(source, `${what} is cut short at byte ${position + done}: truncated file?`)
    done += bytesRead
  }
}

async function readCentralDirectory(handle: FileHandle, fileSize: number, source: string): Promise<Map<string, ZipEntry>> {
  if (fileSize < EOCD_MIN) throw invalid(source, `only ${fileSize} bytes: not a PyTorch zip checkpoint`)
  const tailLen = Math.min(fileSize, EOCD_MIN + MAX_COMMENT + 20)
  const tail = Buffer.allocUnsafe(tailLen)
  await readFully(handle, tail, fileSize - tailLen, source, 'end of file')
  let eocd = -1
  for (let i = tailLen - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + EOCD_MIN + tail.readUInt16LE(i + 20) <= tailLen) {
      eocd = i
      break
    }
  }
  if (eocd < 0) {
    const head = Buffer.alloc(Math.min(fileSize, 4))
    await readFully(handle, head, 0, source, 'start of file')
    if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) {
      throw new AppError('CHECKPOINT_UNSUPPORTED', `${source}: legacy (pre-1.6, non-zip) torch.save format; re-save it with torch ≥ 1.6 (torch.save(torch.load(f), f2))`)
    }
    throw invalid(source, head.readUInt32LE(0) === LOCAL_SIG ? 'zip end record missing: the file is truncated' : 'not a zip archive (a PyTorch checkpoint is a zip file)')
  }
  let count = tail.readUInt16LE(eocd + 10)
  let cdSize = tail.readUInt32LE(eocd + 12)
  let cdOffset = tail.readUInt32LE(eocd + 16)
  const locator = eocd - 20
  if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIG) {
    const z64Offset = u64(tail, locator + 8, source)
    const rec = Buffer.allocUnsafe(56)
    if (z64Offset + 56 > fileSize) throw invalid(source, 'zip64 end record points past the end of the file')
    await readFully(handle, rec, z64Offset, source, 'zip64 end record')
    if (rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw invalid(source, 'zip64 locator does not point at a zip64 end record')
    count = u64(rec, 32, source)
    cdSize = u64(rec, 40, source)
    cdOffset = u64(rec, 48, source)
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY) throw invalid(source, `zip central directory of ${cdSize} bytes is absurd`)
  if (cdOffset + cdSize > fileSize) throw invalid(source, `zip central directory (${cdSize} bytes at ${cdOffset}) extends past the end of the file (${fileSize} bytes): truncated?`)
  const cd = Buffer.allocUnsafe(cdSize)
  await readFully(handle, cd, cdOffset, source, 'central directory')
  const entries = new Map<string, ZipEntry>()
  let p = 0
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw invalid(source, `zip central directory entry ${i} of ${count} is damaged`)
    const method = cd.readUInt16LE(p + 10)
    const crc = cd.readUInt32LE(p + 16)
    let compressedSize = cd.readUInt32LE(p + 20)
    let size = cd.readUInt32LE(p + 24)
    const nameLen = cd.readUInt16LE(p + 28)
    const extraLen = cd.readUInt16LE(p + 30)
    const commentLen = cd.readUInt16LE(p + 32)
    let localHeaderOffset = cd.readUInt32LE(p + 42)
    const end = p + 46 + nameLen + extraLen + commentLen
    if (end > cd.length) throw invalid(source, `zip central directory entry ${i} runs past the directory`)
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen)
    // Zip64 extra field: only the fields whose 32-bit slot is saturated are present, in this order.
    let x = p + 46 + nameLen
    const extraEnd = x + extraLen
    while (x + 4 <= extraEnd) {
      const id = cd.readUInt16LE(x)
      const len = cd.readUInt16LE(x + 2)
      if (id === 0x0001) {
        let q = x + 4
        const take = (): number => {
          if (q + 8 > x + 4 + len) throw invalid(source, `zip64 extra field of ${name} is too short`)
          const v = u64(cd, q, source)
          q += 8
          return v
        }
        if (size === U32_MAX) size = take()
        if (compressedSize === U32_MAX) compressedSize = take()
        if (localHeaderOffset === U32_MAX) localHeaderOffset = take()
      }
      x += 4 + len
    }
    if (localHeaderOffset + 30 > fileSize) throw invalid(source, `entry ${name} starts past the end of the file: truncated?`)
    entries.set(name, { name, method, crc32: crc, compressedSize, size, localHeaderOffset })
    p = end
  }
  return entries
}
