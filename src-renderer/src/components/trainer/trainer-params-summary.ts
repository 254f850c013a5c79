// The line under a trainer job's name in the job lists: what it trains from, on what, and how.
const STARTS: Record<string, string> = { tiny: 'random tiny weights', base: 'random Base weights', large: 'random Large weights' }

export function trainerParamsSummary(p: Record<string, unknown>): string | null {
  const parts: string[] = []
  const hp = p.hparams && typeof p.hparams === 'object' ? (p.hparams as Record<string, unknown>) : {}
  if (typeof p.name === 'string') parts.push(p.name)
  if (p.type === 'trainer-import' && typeof p.checkpointPath === 'string') parts.push(p.checkpointPath)
  else if (typeof p.architecture === 'string') parts.push(`from ${STARTS[p.architecture] ?? p.architecture}`)
  else if (p.type === 'tokenizer' && hp.kind === 'random') parts.push('random projection')
  else parts.push(typeof p.encoderId === 'number' ? `${p.type === 'tokenizer' ? 'teacher' : 'from'} encoder #${p.encoderId}` : `${p.type === 'tokenizer' ? 'teacher' : 'from'} the active encoder`)
  if (Array.isArray(p.labelIds)) parts.push(`${p.labelIds.length} label${p.labelIds.length === 1 ? '' : 's'}${p.multiLabel === true ? ', multi-label' : ''}`)
  if (typeof hp.epochs === 'number') parts.push(`${hp.epochs} epoch${hp.epochs === 1 ? '' : 's'}`)
  if (p.type === 'gpu-embed') {
    if (typeof p.windowS === 'number') parts.push(`${p.windowS} s windows`)
    parts.push(Array.isArray(p.recordingIds) ? `${p.recordingIds.length} recordings` : 'recordings not yet analysed')
  }
  if (p.device === 'cpu') parts.push('CPU')
  return parts.join(' · ') || null
}
