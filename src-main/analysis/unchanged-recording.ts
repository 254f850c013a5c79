// Embeddings are stored against the fingerprint the import took of a recording. A file rewritten
// since (a copy still being written at import time, a metadata editor, a replaced card) would be
// analysed as content that the project's duration, start time and metadata do not describe, so
// both analysis backends check it first; re-importing the folder reads it again.
import { probeAudio } from '../audio'
import { AppError } from '../errors'
import { fingerprintFile } from '../season/import/probe-recording'

/** Throws AUDIO_CHANGED, or the reason the file cannot be read any more, unless it is as imported. */
export async function checkUnchanged(rec: { path: string; fingerprint: string }): Promise<void> {
  if ((await fingerprintFile(rec.path)) === rec.fingerprint) return
  await probeAudio(rec.path) // a file that cannot be read any more says why
  throw new AppError('AUDIO_CHANGED', `${rec.path}: changed since it was imported (its size or content differs); import its folder again to read it as it is now`, { path: rec.path })
}
