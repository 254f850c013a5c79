// Training classifier heads on stored window embeddings: training sets from annotations and review
// decisions, the train-head job's params, stored evaluations, head versions and their comparison,
// model package zips, and the active-learning review queue.
import { z } from 'zod'
import { method } from './define'
import { AnnotationSource } from './annotations'
import { Empty, FsPath, Id } from './common'

/**
 * When a window counts as an example of a labelled interval (annotation, reviewed detection): the
 * interval covers ≥ minWindowCover of the window, or ≥ minEventInside of the interval lies inside
 * the window. A window that overlaps an interval of a class without meeting the rule is ambiguous
 * and left out, so a partly covered call never becomes a negative.
 */
export const OverlapRule = z.object({
  minWindowCover: z.number().min(0).max(1),
  minEventInside: z.number().min(0).max(1),
}).strict()
export type OverlapRule = z.infer<typeof OverlapRule>
export const DEFAULT_OVERLAP_RULE: OverlapRule = { minWindowCover: 0.5, minEventInside: 0.5 }

export const SplitBy = z.enum(['recording', 'site', 'date'])
export type SplitBy = z.infer<typeof SplitBy>

/** Groups (recordings, sites or recording days) go whole to one split; shares are of the examples. */
export const SplitRule = z.object({
  by: SplitBy,
  validation: z.number().min(0).max(0.9),
  test: z.number().min(0).max(0.9),
}).strict()
export type SplitRule = z.infer<typeof SplitRule>
export const DEFAULT_SPLIT_RULE: SplitRule = { by: 'recording', validation: 0.25, test: 0 }

export const HeadTask = z.enum(['multi-label', 'multi-class'])
export type HeadTask = z.infer<typeof HeadTask>

/** Which evidence becomes which examples; every field but labelIds has a stated default. */
export const TrainingSetRequest = z.object({
  /** The classes, in class order; all from one label set. */
  labelIds: z.array(Id).min(1).max(1000),
  /** Default: the active encoder (else the only one). */
  encoderId: Id.optional(),
  /** The analysis windows; default: the encoder's only analysis, else its default windows. */
  windowS: z.number().positive().max(600).optional(),
  hopS: z.number().positive().max(600).optional(),
  /** Default multi-label (sigmoid per class). */
  task: HeadTask.optional(),
  /** Annotation sources that count (default manual, imported, review; model-made ones never count by default). */
  sources: z.array(AnnotationSource).min(1).max(4).optional(),
  /** Confirmed/rejected/relabelled detections and window decisions (default true). */
  useReviews: z.boolean().optional(),
  /** Labels meaning "no call" / background: their annotations are negatives for every class. Default: labels coded like NOCALL, NOISE, BACKGROUND, NONE. */
  noCallLabelIds: z.array(Id).max(100).optional(),
  /** Unlabelled windows of annotated recordings kept as negatives, per positive window (default 3; 0: none). */
  backgroundRatio: z.number().min(0).max(1000).optional(),
  overlap: OverlapRule.partial().strict().optional(),
  split: SplitRule.partial().strict().optional(),
  /** Seeds the split, the background sample and the training (default 1). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  /** A class with fewer training positives is warned about (default 10). */
  minPositives: z.number().int().min(1).max(100_000).optional(),
}).strict()
export type TrainingSetRequest = z.infer<typeof TrainingSetRequest>

export const HeadTrainingOptions = z.object({
  kind: z.enum(['linear', 'mlp']).optional(),
  hidden: z.number().int().min(1).max(4096).optional(),
  epochs: z.number().int().min(1).max(1000).optional(),
  lr: z.number().positive().max(1).optional(),
  batchSize: z.number().int().min(1).max(65_536).optional(),
  weightDecay: z.number().min(0).max(1).optional(),
  /** Default 'none' (probabilities stay calibrated, so default thresholds mean something); 'balanced' up-weights rare classes. */
  classWeighting: z.enum(['balanced', 'none']).optional(),
  /** Embedding mixup α (0 = off, the default). */
  mixup: z.number().min(0).max(10).optional(),
  patience: z.number().int().min(1).max(1000).optional(),
  /** Calibrate each class's default threshold on validation for this precision (default: 0.5 everywhere). */
  targetPrecision: z.number().min(0.01).max(1).optional(),
}).strict()
export type HeadTrainingOptions = z.infer<typeof HeadTrainingOptions>

/** The train-head job: build the set, train, evaluate, register a new head version. */
export const TrainHeadParams = z.object({
  type: z.literal('train-head'),
  set: TrainingSetRequest,
  head: HeadTrainingOptions.optional(),
  /** Default: "<label set> head"; a name already used gets the next version. */
  name: z.string().trim().min(1).max(200).optional(),
  /** The version this one retrains: the comparison shows how the metrics moved. */
  previousModelId: Id.optional(),
  /** Default true: the new version is active and other versions of the name are deactivated. */
  activate: z.boolean().optional(),
  threads: z.number().int().min(1).max(64).optional(),
}).strict()
export type TrainHeadParams = z.infer<typeof TrainHeadParams>

const SplitCounts = z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() })
export type SplitCounts = z.infer<typeof SplitCounts>

export const SplitName = z.enum(['train', 'validation', 'test'])
export type SplitName = z.infer<typeof SplitName>

export const ClassReport = z.object({
  labelId: Id,
  code: z.string(),
  name: z.string().nullable(),
  /** Windows positive for the class. */
  positives: SplitCounts,
  /** Windows explicitly negative for it (rejected detections, "absent" decisions, no-call labels). */
  negatives: SplitCounts,
})
export type ClassReport = z.infer<typeof ClassReport>

export const SplitReport = z.object({
  examples: z.number().int(),
  /** Examples positive for at least one class. */
  positive: z.number().int(),
  /** Sampled unlabelled windows of annotated recordings. */
  background: z.number().int(),
  groups: z.number().int(),
  recordings: z.number().int(),
})
export type SplitReport = z.infer<typeof SplitReport>

export const TrainingWarningCode = z.enum([
  'FEW_POSITIVES',
  'NO_VALIDATION_POSITIVES',
  'EMPTY_VALIDATION',
  'FEW_GROUPS',
  'UNANALYSED_RECORDINGS',
  'NO_NEGATIVES',
  'CONFLICTS',
  'NO_EXAMPLES',
  'RANDOM_ENCODER',
])
export const TrainingWarning = z.object({ code: TrainingWarningCode, message: z.string(), labelId: Id.nullable() })
export type TrainingWarning = z.infer<typeof TrainingWarning>

export const TrainingReport = z.object({
  encoder: z.object({ id: Id, name: z.string(), version: z.string(), pretrained: z.boolean() }),
  analysis: z.object({ id: Id, windowS: z.number(), hopS: z.number(), dim: z.number().int(), recordings: z.number().int() }),
  labelSet: z.object({ id: Id, name: z.string() }),
  task: HeadTask,
  classes: z.array(ClassReport),
  splits: z.object({ train: SplitReport, validation: SplitReport, test: SplitReport }),
  examples: z.number().int(),
  evidence: z.object({
    annotations: z.number().int(),
    noCallAnnotations: z.number().int(),
    confirmedDetections: z.number().int(),
    rejectedDetections: z.number().int(),
    relabelledDetections: z.number().int(),
    presentDecisions: z.number().int(),
    absentDecisions: z.number().int(),
  }),
  dropped: z.object({
    /** Windows overlapping a class interval without meeting the overlap rule. */
    ambiguous: z.number().int(),
    /** Multi-class windows positive for more than one class, or with no class at all. */
    unassignable: z.number().int(),
    /** Recordings with evidence but no embeddings for this encoder and windows (analyse them first). */
    unanalysedRecordings: z.number().int(),
  }),
  /** Windows both positive and explicitly negative for a class (the positive wins). */
  conflicts: z.number().int(),
  rule: OverlapRule,
  split: SplitRule,
  seed: z.number().int(),
  backgroundRatio: z.number(),
  warnings: z.array(TrainingWarning),
  /** sha256 over every example (recording, window start, split, targets): equal sets hash equal. */
  fingerprint: z.string(),
})
export type TrainingReport = z.infer<typeof TrainingReport>

export const ThresholdPoint = z.object({
  threshold: z.number(),
  tp: z.number().int(),
  fp: z.number().int(),
  fn: z.number().int(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  f1: z.number().nullable(),
})
export type ThresholdPoint = z.infer<typeof ThresholdPoint>

export const PrCurve = z.object({ thresholds: z.array(z.number()), precision: z.array(z.number()), recall: z.array(z.number()) })
export type PrCurve = z.infer<typeof PrCurve>

export const ClassMetrics = z.object({
  labelId: Id,
  code: z.string(),
  positives: z.number().int(),
  ap: z.number().nullable(),
  auc: z.number().nullable(),
  atThreshold: ThresholdPoint,
  calibration: z
    .object({ targetPrecision: z.number(), reached: z.boolean(), threshold: z.number().nullable(), precision: z.number().nullable(), recall: z.number().nullable() })
    .nullable(),
  curve: PrCurve,
})
export type ClassMetrics = z.infer<typeof ClassMetrics>

export const SplitEvaluation = z.object({
  examples: z.number().int(),
  mAP: z.number().nullable(),
  macroAuc: z.number().nullable(),
  /** Codes of classes without positives in this split (left out of mAP). */
  excludedFromMap: z.array(z.string()),
  classes: z.array(ClassMetrics),
  /** Multi-class: counts[true][predicted]. */
  confusion: z.array(z.array(z.number().int())).nullable(),
  accuracy: z.number().nullable(),
})
export type SplitEvaluation = z.infer<typeof SplitEvaluation>

export const TrainingHistory = z.object({
  epochs: z.array(z.object({ epoch: z.number().int(), trainLoss: z.number(), valLoss: z.number().nullable() })),
  bestEpoch: z.number().int(),
  stoppedEarly: z.boolean(),
  seconds: z.number(),
})
export type TrainingHistory = z.infer<typeof TrainingHistory>

/** Everything measured about one head version, stored with it. */
export const HeadEvaluation = z.object({
  formatVersion: z.literal(1),
  task: HeadTask,
  labels: z.array(z.object({ labelId: Id, code: z.string() })),
  /** The default thresholds the version was registered with (calibrated when targetPrecision is set). */
  thresholds: z.array(z.number()),
  targetPrecision: z.number().nullable(),
  validation: SplitEvaluation.nullable(),
  test: SplitEvaluation.nullable(),
  history: TrainingHistory.nullable(),
})
export type HeadEvaluation = z.infer<typeof HeadEvaluation>

export const HeadOrigin = z.enum(['trained', 'imported', 'checkpoint', 'other'])

/** A head version with what it was made from and how well it did. */
export const HeadVersion = z.object({
  id: Id,
  name: z.string(),
  version: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  encoderId: Id.nullable(),
  encoderName: z.string().nullable(),
  labelSetId: Id.nullable(),
  labelSetName: z.string().nullable(),
  labels: z.array(z.string()),
  kind: z.string().nullable(),
  task: HeadTask.nullable(),
  windowS: z.number().nullable(),
  hopS: z.number().nullable(),
  origin: HeadOrigin,
  /** Validation mAP (test mAP when there is a test split it is shown beside). */
  mAP: z.number().nullable(),
  testMAP: z.number().nullable(),
  examples: z.number().int().nullable(),
  seed: z.number().int().nullable(),
  fingerprint: z.string().nullable(),
  previousId: Id.nullable(),
  jobId: Id.nullable(),
  hasEvaluation: z.boolean(),
  /** Whether `retrain` can repeat it (trained in this project with stored settings). */
  retrainable: z.boolean(),
})
export type HeadVersion = z.infer<typeof HeadVersion>

const MetricDelta = z.object({ ap: z.number().nullable(), auc: z.number().nullable(), f1: z.number().nullable() })

export const VersionComparison = z.object({
  a: HeadVersion,
  b: HeadVersion,
  /** Which split the metrics come from (test when both have one). */
  split: z.enum(['validation', 'test']),
  mAP: z.object({ a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() }),
  /** Matched by label code; a class only one version has appears with the other side null. */
  classes: z.array(z.object({ code: z.string(), a: ClassMetrics.nullable(), b: ClassMetrics.nullable(), delta: MetricDelta.nullable() })),
  sameTrainingSet: z.boolean(),
})
export type VersionComparison = z.infer<typeof VersionComparison>

export const WindowDecisionKind = z.enum(['present', 'absent'])
export type WindowDecisionKind = z.infer<typeof WindowDecisionKind>
export const DecisionOrigin = z.enum(['active-learning', 'search'])

export const WindowDecision = z.object({ labelId: Id, decision: WindowDecisionKind, annotationId: Id.nullable() })
export type WindowDecision = z.infer<typeof WindowDecision>

/** One window offered for review (active learning or search results). */
export const ReviewWindow = z.object({
  recordingId: Id,
  fileName: z.string(),
  siteName: z.string().nullable(),
  startS: z.number(),
  endS: z.number(),
  /** Wall-clock start of the window when the recording's start is known. */
  startTime: z.string().nullable(),
  /** The label proposed (active learning: the class that made it uncertain). */
  labelId: Id.nullable(),
  labelCode: z.string().nullable(),
  /** The head's probability for that label, or the cosine similarity for search hits. */
  score: z.number(),
  uncertainty: z.number().nullable(),
  decisions: z.array(WindowDecision),
})
export type ReviewWindow = z.infer<typeof ReviewWindow>

export const AnalysisOption = z.object({
  analysisId: Id,
  encoderId: Id,
  encoderName: z.string(),
  encoderVersion: z.string(),
  encoderActive: z.boolean(),
  pretrained: z.boolean(),
  windowS: z.number(),
  hopS: z.number(),
  dim: z.number().int(),
  recordings: z.number().int(),
  windows: z.number().int(),
})
export type AnalysisOption = z.infer<typeof AnalysisOption>

export const TrainingLabelOption = z.object({
  id: Id,
  code: z.string(),
  name: z.string().nullable(),
  color: z.string().nullable(),
  annotations: z.number().int(),
  confirmed: z.number().int(),
  rejected: z.number().int(),
})

export const TrainingOptions = z.object({
  analyses: z.array(AnalysisOption),
  labelSets: z.array(z.object({ id: Id, name: z.string(), labels: z.array(TrainingLabelOption) })),
  /** Labels that look like "no call" / noise / background (the default noCallLabelIds). */
  noCallLabelIds: z.array(Id),
})
export type TrainingOptions = z.infer<typeof TrainingOptions>

export const PackageFile = z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string() })

export const trainingContract = {
  /** What can be trained on: analyses with embeddings, label sets with evidence counts. */
  options: method(Empty, TrainingOptions),
  /** Counts per class and split, and warnings, before anything is trained. */
  preview: method(TrainingSetRequest, TrainingReport, { cancellable: true }),
  /** Head versions, newest first (optionally of one label set or encoder). */
  versions: method(z.object({ labelSetId: Id.optional(), encoderId: Id.optional() }).strict(), z.array(HeadVersion)),
  /** The stored evaluation of a version (NOT_FOUND for a head without one). */
  evaluation: method(z.object({ modelId: Id }).strict(), HeadEvaluation),
  /** Two versions side by side, classes matched by code. */
  compare: method(z.object({ a: Id, b: Id }).strict(), VersionComparison),
  /** The job params that train the version again (same settings, next version); start them with jobs.start. */
  retrainParams: method(z.object({ modelId: Id }).strict(), TrainHeadParams),
  /** Windows the version is least sure about, diverse, none reviewed or annotated yet. */
  queue: method(
    z.object({ modelId: Id, k: z.number().int().min(1).max(500).optional(), labelIds: z.array(Id).max(1000).optional() }).strict(),
    z.object({ items: z.array(ReviewWindow), candidates: z.number().int(), excluded: z.number().int(), seconds: z.number() }),
    { cancellable: true },
  ),
  /**
   * A reviewer's decision on one window: present creates a 'review' annotation of the label,
   * absent stores an explicit negative, clear removes both; relabelTo = absent for labelId and
   * present for relabelTo. Returns every decision now on the window.
   */
  decide: method(
    z.object({
      recordingId: Id,
      startS: z.number().min(0).max(1e8),
      endS: z.number().min(0).max(1e8),
      labelId: Id,
      decision: z.enum(['present', 'absent', 'clear']),
      relabelTo: Id.optional(),
      origin: DecisionOrigin,
      modelId: Id.optional(),
    }).strict(),
    z.array(WindowDecision),
  ),
  /** A zip to share: manifest with sha256 of every file; heads may carry their encoder's package. */
  exportPackage: method(
    z.object({ modelId: Id, includeEncoder: z.boolean().optional(), outDir: FsPath.optional() }).strict(),
    z.object({ path: z.string(), bytes: z.number().int(), files: z.array(PackageFile) }),
    { cancellable: true },
  ),
  /** Validates everything first (schema, checksums, encoder by ONNX hash, labels by code); registers nothing on failure. */
  importPackage: method(
    z.object({ path: FsPath, labelSetId: Id.optional(), activate: z.boolean().optional() }).strict(),
    z.object({
      encoderId: Id,
      encoderCreated: z.boolean(),
      headId: Id.nullable(),
      labelSetId: Id.nullable(),
      name: z.string(),
      version: z.string(),
      warnings: z.array(z.string()),
    }),
    { cancellable: true },
  ),
}

/** `result` of a succeeded train-head job. */
export const TrainHeadResult = z.object({
  modelId: Id,
  name: z.string(),
  version: z.string(),
  previousModelId: Id.nullable(),
  /** Validation mAP and AP per class code (test too when there is a test split). */
  metrics: z.record(z.string(), z.unknown()),
  report: TrainingReport,
  seconds: z.number(),
})
export type TrainHeadResult = z.infer<typeof TrainHeadResult>
