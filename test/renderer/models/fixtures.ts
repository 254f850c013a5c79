import type { ModelSummary } from '../../../src-shared/contracts'

export function model(overrides: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id: 1,
    kind: 'encoder',
    name: 'OpenBEATs demo',
    version: '0.1',
    encoderId: null,
    labelSetId: null,
    active: true,
    pretrained: false,
    note: 'Random weights: this demo encoder has no pretrained knowledge. Import a real OpenBEATs checkpoint for meaningful results.',
    labels: [],
    config: { embedDim: 768, layers: 12, sampleRate: 16000 },
    metrics: {},
    provenance: { source: 'generated demo', convertedAt: '2025-11-01T10:00:00Z' },
    createdAt: '2025-11-01T10:00:00.000Z',
    scoring: null,
    dependants: 0,
    ...overrides,
  }
}
