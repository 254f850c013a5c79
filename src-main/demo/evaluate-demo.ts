// How well the demo's detections match its truth, per species and pooled: a call is found when a
// detection of its species overlaps it in time; a detection is correct when it overlaps a call of
// its species. Recall = found / calls, precision = correct / detections.

export interface TimedEvent {
  path: string
  species: string
  startS: number
  endS: number
}

export interface SpeciesScore {
  species: string
  calls: number
  detections: number
  found: number
  correct: number
  recall: number | null
  precision: number | null
}

export interface DemoEvaluation {
  perSpecies: SpeciesScore[]
  calls: number
  detections: number
  recall: number | null
  precision: number | null
}

const overlaps = (a: TimedEvent, b: TimedEvent): boolean => a.path === b.path && a.species === b.species && Math.min(a.endS, b.endS) > Math.max(a.startS, b.startS)

export function evaluateDetections(species: readonly string[], truth: readonly TimedEvent[], detections: readonly TimedEvent[]): DemoEvaluation {
  const perSpecies = species.map((code): SpeciesScore => {
    const calls = truth.filter((t) => t.species === code)
    const dets = detections.filter((d) => d.species === code)
    const found = calls.filter((c) => dets.some((d) => overlaps(c, d))).length
    const correct = dets.filter((d) => calls.some((c) => overlaps(c, d))).length
    return { species: code, calls: calls.length, detections: dets.length, found, correct, recall: calls.length ? found / calls.length : null, precision: dets.length ? correct / dets.length : null }
  })
  const calls = perSpecies.reduce((s, p) => s + p.calls, 0)
  const dets = perSpecies.reduce((s, p) => s + p.detections, 0)
  const found = perSpecies.reduce((s, p) => s + p.found, 0)
  const correct = perSpecies.reduce((s, p) => s + p.correct, 0)
  return { perSpecies, calls, detections: dets, recall: calls ? found / calls : null, precision: dets ? correct / dets : null }
}
