// Contract values for the Train view tests.
import type { ClassMetrics, HeadEvaluation, HeadVersion, ReviewWindow, SplitEvaluation, TrainingOptions, TrainingReport, VersionComparison } from '../../../src-shared/contracts'

export function trainingOptions(overrides: Partial<TrainingOptions> = {}): TrainingOptions {
  return {
    analyses: [{ analysisId: 3, encoderId: 1, encoderName: 'OpenBEATs Base', encoderVersion: '1', encoderActive: true, pretrained: true, windowS: 1, hopS: 0.5, dim: 768, recordings: 40, windows: 4760 }],
    labelSets: [
      {
        id: 2,
        name: 'Marsh birds',
        labels: [
          { id: 11, code: 'REEWAR', name: 'Reed warbler', color: '#2f7ed8', annotations: 40, confirmed: 3, rejected: 1 },
          { id: 12, code: 'SEDWAR', name: 'Sedge warbler', color: '#0d9488', annotations: 25, confirmed: 0, rejected: 0 },
          { id: 13, code: 'WATRAI', name: 'Water rail', color: null, annotations: 0, confirmed: 0, rejected: 0 },
          { id: 14, code: 'NOISE', name: null, color: null, annotations: 4, confirmed: 0, rejected: 0 },
        ],
      },
    ],
    noCallLabelIds: [14],
    ...overrides,
  }
}

export function trainingReport(overrides: Partial<TrainingReport> = {}): TrainingReport {
  const split = (examples: number, positive: number, background: number) => ({ examples, positive, background, groups: 3, recordings: 3 })
  return {
    encoder: { id: 1, name: 'OpenBEATs Base', version: '1', pretrained: true },
    analysis: { id: 3, windowS: 1, hopS: 0.5, dim: 768, recordings: 40 },
    labelSet: { id: 2, name: 'Marsh birds' },
    task: 'multi-label',
    classes: [
      { labelId: 11, code: 'REEWAR', name: 'Reed warbler', positives: { train: 90, validation: 30, test: 0 }, negatives: { train: 2, validation: 0, test: 0 } },
      { labelId: 12, code: 'SEDWAR', name: 'Sedge warbler', positives: { train: 6, validation: 0, test: 0 }, negatives: { train: 0, validation: 0, test: 0 } },
    ],
    splits: { train: split(384, 96, 288), validation: split(120, 30, 90), test: split(0, 0, 0) },
    examples: 504,
    evidence: { annotations: 65, noCallAnnotations: 4, confirmedDetections: 3, rejectedDetections: 1, relabelledDetections: 0, presentDecisions: 0, absentDecisions: 0 },
    dropped: { ambiguous: 17, unassignable: 0, unanalysedRecordings: 0 },
    conflicts: 0,
    rule: { minWindowCover: 0.5, minEventInside: 0.5 },
    split: { by: 'recording', validation: 0.25, test: 0 },
    seed: 1,
    backgroundRatio: 3,
    warnings: [
      { code: 'FEW_POSITIVES', message: 'SEDWAR has 6 training positive(s), fewer than 10', labelId: 12 },
      { code: 'NO_VALIDATION_POSITIVES', message: 'SEDWAR has no positive in the validation split: its AP cannot be measured', labelId: 12 },
    ],
    fingerprint: 'f'.repeat(64),
    ...overrides,
  }
}

export function classMetrics(code: string, labelId: number, ap: number): ClassMetrics {
  return {
    labelId,
    code,
    positives: 30,
    ap,
    auc: 0.95,
    atThreshold: { threshold: 0.42, tp: 24, fp: 3, fn: 6, precision: 24 / 27, recall: 0.8, f1: 48 / 57 },
    calibration: { targetPrecision: 0.9, reached: true, threshold: 0.42, precision: 0.9, recall: 0.8 },
    curve: { thresholds: [0.9, 0.5, 0.1], precision: [1, 0.9, 0.5], recall: [0.2, 0.8, 1] },
  }
}

export function splitEvaluation(aps: [number, number]): SplitEvaluation {
  return {
    examples: 120,
    mAP: (aps[0] + aps[1]) / 2,
    macroAuc: 0.95,
    excludedFromMap: [],
    classes: [classMetrics('REEWAR', 11, aps[0]), classMetrics('SEDWAR', 12, aps[1])],
    confusion: null,
    accuracy: null,
  }
}

export function evaluation(aps: [number, number] = [0.8, 0.6]): HeadEvaluation {
  return {
    formatVersion: 1,
    task: 'multi-label',
    labels: [
      { labelId: 11, code: 'REEWAR' },
      { labelId: 12, code: 'SEDWAR' },
    ],
    thresholds: [0.42, 0.42],
    targetPrecision: 0.9,
    validation: splitEvaluation(aps),
    test: null,
    history: { epochs: [{ epoch: 1, trainLoss: 0.5, valLoss: 0.4 }], bestEpoch: 1, stoppedEarly: false, seconds: 1.2 },
  }
}

export function headVersion(overrides: Partial<HeadVersion> = {}): HeadVersion {
  return {
    id: 21,
    name: 'Marsh birds head',
    version: '1',
    active: true,
    createdAt: '2025-11-02T09:00:00.000Z',
    encoderId: 1,
    encoderName: 'OpenBEATs Base 1',
    labelSetId: 2,
    labelSetName: 'Marsh birds',
    labels: ['REEWAR', 'SEDWAR'],
    kind: 'linear',
    task: 'multi-label',
    windowS: 1,
    hopS: 0.5,
    origin: 'trained',
    mAP: 0.7,
    testMAP: null,
    examples: 504,
    seed: 1,
    fingerprint: 'f'.repeat(64),
    previousId: null,
    jobId: 5,
    hasEvaluation: true,
    retrainable: true,
    ...overrides,
  }
}

export function comparison(a: HeadVersion, b: HeadVersion): VersionComparison {
  const ea = splitEvaluation([0.8, 0.6])
  const eb = splitEvaluation([0.85, 0.5])
  return {
    a,
    b,
    split: 'validation',
    mAP: { a: 0.7, b: 0.675, delta: -0.025 },
    classes: [
      { code: 'REEWAR', a: ea.classes[0], b: eb.classes[0], delta: { ap: 0.05, auc: 0, f1: 0 } },
      { code: 'SEDWAR', a: ea.classes[1], b: eb.classes[1], delta: { ap: -0.1, auc: 0, f1: 0 } },
    ],
    sameTrainingSet: false,
  }
}

export function reviewWindow(overrides: Partial<ReviewWindow> = {}): ReviewWindow {
  return {
    recordingId: 7,
    fileName: '20240514_050000.WAV',
    siteName: 'North Ridge',
    startS: 12.5,
    endS: 13.5,
    startTime: '2024-05-14T05:00:12.500',
    labelId: 11,
    labelCode: 'REEWAR',
    score: 0.51,
    uncertainty: 0.98,
    decisions: [],
    ...overrides,
  }
}
