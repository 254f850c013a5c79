// The result of a finished trainer job as label/value pairs for the job card: the model it
// registered, loss, speed, data, validation metrics and parity; or, for the GPU analysis, the
// counts and the throughput of each stage.
import { GpuEmbedResult, TrainingRunResult } from '../../../../src-shared/contracts'
import type { ResultItem } from '../../jobs/presentation'

function num(v: unknown, digits: number): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : null
}

function metricsLine(values: unknown): string | null {
  if (!values || typeof values !== 'object') return null
  const parts = Object.entries(values as Record<string, unknown>)
    .filter(([k, v]) => k !== 'loss' && k !== 'n' && typeof v === 'number')
    .slice(0, 5)
    .map(([k, v]) => `${k} ${num(v, 3)}`)
  return parts.length > 0 ? parts.join(' · ') : null
}

function stageRate(t: Record<string, unknown>, stage: string, key: string): string | null {
  const s = t[stage]
  return s && typeof s === 'object' ? num((s as Record<string, unknown>)[key], 0) : null
}

/** Null when the result is not a trainer result (the generic describer then shows it). */
export function describeTrainerResult(result: unknown): ResultItem[] | null {
  const training = TrainingRunResult.safeParse(result)
  if (training.success) {
    const r = training.data
    const items: ResultItem[] = []
    if (r.name) items.push({ label: 'Registered', value: `${r.name} ${r.version} (encoder #${r.encoderId}${r.headId ? `, head #${r.headId}` : ''})` })
    if (r.tokenizerPath) items.push({ label: 'Tokenizer', value: r.tokenizerPath })
    items.push({ label: 'Steps', value: `${r.steps} on ${r.device} (${r.precision})` })
    const loss = num(r.finalLoss, 4)
    if (loss) items.push({ label: 'Final loss', value: loss })
    const speed = num(r.samplesPerS, 1)
    if (speed) items.push({ label: 'Speed', value: `${speed} clips/s` })
    if (r.data.items > 0) items.push({ label: 'Data', value: `${r.data.items} items from ${r.data.recordings} recordings (${Object.entries(r.data.perSplit).map(([s, n]) => `${s} ${n}`).join(' · ')})` })
    for (const split of ['val', 'test']) {
      const line = metricsLine(r.metrics[split])
      if (line) items.push({ label: split === 'val' ? 'Validation' : 'Test', value: line })
    }
    const trainer = r.parity?.trainer as { maxAbsDiff?: number; windows?: number } | undefined
    if (trainer?.maxAbsDiff !== undefined) items.push({ label: 'Parity', value: `max |Δ| ${trainer.maxAbsDiff.toExponential(1)} against the trainer (${trainer.windows} windows)` })
    return items
  }
  const embed = GpuEmbedResult.safeParse(result)
  if (embed.success) {
    const r = embed.data
    const t = r.throughput
    const stages = [
      num(t.overall_audio_s_per_s, 0) && `${num(t.overall_audio_s_per_s, 0)} overall`,
      stageRate(t, 'decode', 'audio_s_per_s_per_worker') && `decode ${stageRate(t, 'decode', 'audio_s_per_s_per_worker')}/worker`,
      (stageRate(t, 'fbank', 'audio_s_per_s') ?? stageRate(t, 'fbank', 'audio_s_per_s_per_worker')) && `fbank ${stageRate(t, 'fbank', 'audio_s_per_s') ?? `${stageRate(t, 'fbank', 'audio_s_per_s_per_worker')}/worker`}`,
      stageRate(t, 'encoder', 'audio_s_per_s') && `encoder ${stageRate(t, 'encoder', 'audio_s_per_s')}`,
    ].filter(Boolean)
    return [
      { label: 'Analysed', value: `${r.analysed} recordings (${(r.audioSeconds / 3600).toFixed(2)} h), ${r.windows} windows` },
      { label: 'Detections', value: String(r.detections) },
      ...(r.failed.length > 0 ? [{ label: 'Unreadable', value: String(r.failed.length) }] : []),
      ...(r.skipped > 0 ? [{ label: 'Left for Analyze', value: `${r.skipped} time-expanded` }] : []),
      { label: 'Audio-s/s', value: `${stages.join(' · ') || '—'} on ${r.device} (${r.precision})` },
    ]
  }
  return null
}
