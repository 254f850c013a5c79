import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { AppError, throwIfAborted } from '../../errors'

/** sha256 (hex) of a file, streamed in 4 MiB pieces. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
      throwIfAborted(signal)
      hash.update(chunk as Buffer)
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new AppError('CHECKPOINT_INVALID', `${path}: cannot read for hashing (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  return hash.digest('hex')
}
