// How a model's free-form records (metrics, provenance, config) read: known keys get names and
// units, the rest is shown as it is, so a new trainer field is visible before it gets a name.

export interface Fact {
  label: string
  value: string
}

const METRIC_NAMES: Record<string, string> = {
  map: 'mAP',
  mAP: 'mAP',
  macroF1: 'macro F1',
  microF1: 'micro F1',
  f1: 'F1',
  auc: 'ROC AUC',
  rocAuc: 'ROC AUC',
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  loss: 'loss',
  valLoss: 'validation loss',
  trainExamples: 'training examples',
  valExamples: 'validation examples',
  epochs: 'epochs',
}

const PROVENANCE_NAMES: Record<string, string> = {
  source: 'source',
  checkpoint: 'checkpoint',
  checkpointPath: 'checkpoint',
  sha256: 'SHA-256',
  convertedAt: 'converted',
  trainedAt: 'trained',
  jobId: 'job',
  trainer: 'trainer',
  appVersion: 'app version',
  encoder: 'encoder',
  labelSet: 'label set',
  seed: 'seed',
}

function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toLowerCase()
}

function show(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(3)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 38)}…${value.slice(-38)}` : value
  // Objects and lists stay short: a per-class table would not fit a card.
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

function facts(record: Record<string, unknown>, names: Record<string, string>, limit: number): Fact[] {
  const known = Object.keys(names).filter((k) => k in record)
  const rest = Object.keys(record).filter((k) => !(k in names))
  const out: Fact[] = []
  for (const key of [...known, ...rest]) {
    const value = show(record[key])
    if (value !== null) out.push({ label: names[key] ?? words(key), value })
    if (out.length >= limit) break
  }
  return out
}

export function metricFacts(metrics: Record<string, unknown>, limit = 6): Fact[] {
  return facts(metrics, METRIC_NAMES, limit)
}

export function provenanceFacts(provenance: Record<string, unknown>, limit = 8): Fact[] {
  return facts(provenance, PROVENANCE_NAMES, limit)
}

/** "768-d · 12 layers · 16 kHz" from an encoder config, with whatever of those it has. */
export function configSummary(config: Record<string, unknown>): string {
  const n = (k: string) => (typeof config[k] === 'number' ? (config[k] as number) : null)
  const dim = n('embedDim') ?? n('encoder_embed_dim') ?? n('dim')
  const layers = n('layers') ?? n('encoder_layers') ?? n('depth')
  const rate = n('sampleRate') ?? n('sample_rate')
  const windowS = n('windowS')
  return [dim && `${dim}-d`, layers && `${layers} layers`, rate && `${rate / 1000} kHz`, windowS && `${windowS} s windows`].filter(Boolean).join(' · ')
}
