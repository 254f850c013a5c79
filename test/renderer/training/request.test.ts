import { describe, expect, it } from 'vitest'
import { defaultFormState, trainHeadParams } from '../../../src-renderer/src/components/training/request'
import { trainingOptions } from './fixtures'

describe('the Train form', () => {
  it('starts with the labels that have evidence, leaving out "no call" labels, and a 0.9 target precision', () => {
    const s = defaultFormState(trainingOptions())
    expect(s).toMatchObject({ analysisId: 3, labelSetId: 2, labelIds: [11, 12], task: 'multi-label', kind: 'linear', splitBy: 'recording', validationPct: 25, targetPrecision: 0.9 })
  })

  it('turns percentages and the chosen analysis into job params', () => {
    const s = { ...defaultFormState(trainingOptions()), kind: 'mlp' as const, splitBy: 'site' as const, validationPct: 20, testPct: 10, windowCoverPct: 40, eventInsidePct: 60, mixup: 0.3, targetPrecision: null, name: '  Marsh v2 ' }
    expect(trainHeadParams(s, trainingOptions())).toEqual({
      type: 'train-head',
      set: {
        labelIds: [11, 12],
        encoderId: 1,
        windowS: 1,
        hopS: 0.5,
        task: 'multi-label',
        backgroundRatio: 3,
        overlap: { minWindowCover: 0.4, minEventInside: 0.6 },
        split: { by: 'site', validation: 0.2, test: 0.1 },
        seed: 1,
      },
      head: { kind: 'mlp', epochs: 30, mixup: 0.3 },
      name: 'Marsh v2',
    })
  })

  it('has nothing to choose in a project without analyses or labels', () => {
    expect(defaultFormState(trainingOptions({ analyses: [], labelSets: [] }))).toMatchObject({ analysisId: null, labelSetId: null, labelIds: [] })
  })
})
