// How trainer jobs read in a line: while they run, the trainer's own progress message (epoch, loss,
// clips/s); once done, what they produced.
import { GpuEmbedResult, TrainingRunResult, type JobSnapshot } from '../../../../src-shared/contracts'
import { isActive } from '../../jobs/presentation'

/** Jobs with a loss history to chart. */
export function isTrainingJob(type: string): boolean {
  return type === 'finetune' || type === 'pretrain' || type === 'tokenizer'
}

function fixed(v: number | null | undefined, digits: number): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : null
}

export function trainerJobLine(job: JobSnapshot): string {
  if (isActive(job.status)) return job.progress?.message ?? (job.status === 'queued' ? 'Waiting for the GPU…' : 'Starting…')
  if (job.status === 'failed') return job.error ? `${job.error.code}: ${job.error.message.split('\n')[0]}` : 'Failed'
  if (job.status === 'cancelled' || job.status === 'interrupted') {
    const at = job.progress?.unit === 'steps' ? ` at step ${job.progress.done}` : ''
    return `Stopped${at}; resume continues from the last checkpoint`
  }
  const training = TrainingRunResult.safeParse(job.result)
  if (training.success) {
    const r = training.data
    const parts = [
      r.name ? `registered ${r.name} ${r.version}` : r.tokenizerPath ? 'tokenizer saved' : null,
      fixed(r.finalLoss, 4) && `loss ${fixed(r.finalLoss, 4)}`,
      fixed(r.samplesPerS, 1) && `${fixed(r.samplesPerS, 1)} clips/s`,
      `${r.steps} steps on ${r.device}`,
    ]
    return parts.filter(Boolean).join(' · ')
  }
  const embed = GpuEmbedResult.safeParse(job.result)
  if (embed.success) {
    const r = embed.data
    const rate = fixed(typeof r.throughput.overall_audio_s_per_s === 'number' ? r.throughput.overall_audio_s_per_s : null, 0)
    return [`${r.analysed} recordings`, `${r.windows} windows`, `${r.detections} detections`, rate && `${rate} audio-s/s on ${r.device}`].filter(Boolean).join(' · ')
  }
  return 'Done'
}
