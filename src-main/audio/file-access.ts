// Opening and reading audio files with errors that name the file and the reason.
import { open, type FileHandle } from 'node:fs/promises'
import { AppError } from '../errors'

export interface AudioFile {
  path: string
  handle: FileHandle
  size: number
}

export async function openAudioFile(path: string): Promise<AudioFile> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    throw fileOpenError(path, err)
  }
  try {
    const stat = await handle.stat()
    if (stat.isDirectory()) throw new AppError('AUDIO_UNSUPPORTED', `${path}: is a folder, not an audio file`, { path })
    return { path, handle, size: stat.size }
  } catch (err) {
    await handle.close()
    throw err
  }
}

function fileOpenError(path: string, err: unknown): AppError {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : ''
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AppError('AUDIO_NOT_FOUND', `${path}: no such file`, { path })
  if (code === 'EISDIR') return new AppError('AUDIO_UNSUPPORTED', `${path}: is a folder, not an audio file`, { path })
  const reason = err instanceof Error ? err.message : String(err)
  return new AppError('AUDIO_NOT_FOUND', `${path}: cannot be opened (${reason})`, { path })
}

/** Reads up to `length` bytes at `position` into a fresh buffer; shorter at the end of the file. */
export async function readAt(file: AudioFile, position: number, length: number): Promise<Buffer> {
  const want = Math.max(0, Math.min(length, file.size - position))
  const buf = Buffer.alloc(want)
  let done = 0
  while (done < want) {
    const { bytesRead } = await file.handle.read(buf, done, want - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done === want ? buf : buf.subarray(0, done)
}

/** Fills `target` from `position`; returns the number of bytes read (fewer only at end of file). */
export async function readInto(file: AudioFile, target: Uint8Array, position: number): Promise<number> {
  let done = 0
  while (done < target.length) {
    const { bytesRead } = await file.handle.read(target, done, target.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}
