// Which project recording an annotation row (or a whole annotation file) is about. Rows name their
// recording in `Begin Path` / `Begin File` / BirdNET `filepath`, often with another machine's
// folders in front, so a full path is tried first, then the file name, then the name without its
// extension; several recordings sharing a name are told apart by the longest common tail of their
// paths. A file whose rows name nothing is matched by its own name with annotation suffixes taken
// off one at a time ("soundscape.BirdNET.selection.table.txt" → "soundscape").
import type { Database } from 'better-sqlite3'

export interface MatchableRecording {
  id: number
  path: string
  fileName: string
}

export type MatchResult = { ok: true; recording: MatchableRecording } | { ok: false; reason: string }

function parts(path: string): string[] {
  return path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.')
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

function commonTail(a: string[], b: string[]): number {
  let n = 0
  while (n < a.length && n < b.length && a[a.length - 1 - n].toLowerCase() === b[b.length - 1 - n].toLowerCase()) n++
  return n
}

export class RecordingMatcher {
  private readonly byPath = new Map<string, MatchableRecording>()
  private readonly byName = new Map<string, MatchableRecording[]>()
  private readonly byStem = new Map<string, MatchableRecording[]>()

  constructor(recordings: readonly MatchableRecording[]) {
    for (const r of recordings) {
      this.byPath.set(r.path, r)
      const name = r.fileName.toLowerCase()
      this.byName.set(name, [...(this.byName.get(name) ?? []), r])
      const s = stem(name)
      this.byStem.set(s, [...(this.byStem.get(s) ?? []), r])
    }
  }

  static fromDatabase(db: Database): RecordingMatcher {
    const rows = db.prepare('SELECT id, path, file_name AS fileName FROM recordings').all() as MatchableRecording[]
    return new RecordingMatcher(rows)
  }

  /** The recording a row's file reference points at. */
  matchReference(reference: string): MatchResult {
    const exact = this.byPath.get(reference)
    if (exact) return { ok: true, recording: exact }
    const ref = parts(reference)
    const name = (ref[ref.length - 1] ?? '').toLowerCase()
    if (name === '') return { ok: false, reason: 'the row names no file' }
    const candidates = this.byName.get(name) ?? this.byStem.get(stem(name)) ?? []
    return this.pick(candidates, ref, `"${reference}"`)
  }

  /** The recording an annotation file is named after. */
  matchFileName(fileName: string): MatchResult {
    const ref = parts(fileName)
    let s = ref[ref.length - 1] ?? ''
    while (s !== '') {
      s = stem(s)
      const candidates = this.byStem.get(s.toLowerCase())
      if (candidates) return this.pick(candidates, [...ref.slice(0, -1), s], `file name "${fileName}"`)
      if (!s.includes('.')) break
    }
    return { ok: false, reason: `no recording of the project is named like ${fileName} (and its rows name no file)` }
  }

  private pick(candidates: readonly MatchableRecording[], ref: string[], what: string): MatchResult {
    if (candidates.length === 1) return { ok: true, recording: candidates[0] }
    if (candidates.length === 0) return { ok: false, reason: `${what} matches no recording of the project` }
    // The names agree by construction: the folders above them decide.
    const scored = candidates.map((c) => ({ c, tail: commonTail(parts(c.path).slice(0, -1), ref.slice(0, -1)) })).sort((a, b) => b.tail - a.tail)
    if (scored[0].tail > scored[1].tail) return { ok: true, recording: scored[0].c }
    return { ok: false, reason: `${what} matches ${candidates.length} recordings (${candidates.slice(0, 3).map((c) => c.path).join(', ')}${candidates.length > 3 ? ', …' : ''}); give the recording instead` }
  }
}
