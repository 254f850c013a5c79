// The classifier head of a fine-tuned checkpoint with its labels and output activation (spec §6):
// Microsoft's predictor + label_dict (sigmoid), or ESPnet's linear decoder + token_list.
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { AppError } from '../../errors'
import type { ClassifierHead, Tensor } from '../types'
import type { Layout } from './checkpoint-layout'
import { labelsFromTokenList, readTokenListFile, type EspnetClassifierConfig } from './espnet-config'

export async function buildHead(
  layout: Layout,
  espnet: EspnetClassifierConfig | undefined,
  tokenListPath: string | undefined,
  weight: Tensor,
  bias: Tensor,
  path: string,
  warnings: string[],
): Promise<ClassifierHead> {
  const classes = weight.shape[0]
  let labels: string[] | undefined
  let labelSource = ''
  let activation: ClassifierHead['activation']
  if (layout.trainer) {
    const task = layout.cfg?.get('classification_type')
    if (task !== 'multi-label' && task !== 'multi-class') throw new AppError('CHECKPOINT_INVALID', `${path}: cfg classification_type must be multi-label or multi-class, got ${String(task)}`)
    activation = task === 'multi-label' ? 'sigmoid' : 'softmax'
    const names = layout.cfg?.get('labels')
    if (Array.isArray(names) && names.every((n): n is string => typeof n === 'string')) {
      labels = names
      labelSource = 'cfg labels'
    }
  } else if (layout.family === 'microsoft') {
    activation = 'sigmoid'
    const declared = layout.cfg?.get('predictor_class')
    if (typeof declared === 'number' && declared !== classes) {
      throw new AppError('CHECKPOINT_INVALID', `${path}: cfg predictor_class = ${declared} but predictor.weight has ${classes} rows`, { key: 'predictor_class' })
    }
    if (layout.labelDict) {
      labels = []
      for (let i = 0; i < classes; i++) {
        const l = layout.labelDict.get(i) ?? layout.labelDict.get(String(i))
        labels.push(typeof l === 'string' ? l : l === undefined ? `class_${i}` : String(l))
      }
      labelSource = 'label_dict'
    }
  } else {
    if (espnet?.activation) activation = espnet.activation
    else {
      activation = 'softmax'
      warnings.push('no model_conf.classification_type: using ESPnet\'s default multi-class (softmax)')
    }
    if (tokenListPath) {
      labels = labelsFromTokenList(await readTokenListFile(tokenListPath))
      labelSource = tokenListPath
    } else if (espnet?.tokenList) {
      labels = labelsFromTokenList(espnet.tokenList)
      labelSource = `${espnet.path} token_list`
    } else if (espnet?.tokenListRef) {
      const ref = isAbsolute(espnet.tokenListRef) ? espnet.tokenListRef : join(dirname(espnet.path), espnet.tokenListRef)
      if (existsSync(ref)) {
        labels = labelsFromTokenList(await readTokenListFile(ref))
        labelSource = ref
      } else {
        warnings.push(`token_list ${espnet.tokenListRef} named by ${espnet.path} was not found; pass the token_list file to get class names`)
      }
    }
  }
  if (labels && labels.length !== classes) {
    throw new AppError('CHECKPOINT_INVALID', `${path}: ${labelSource} names ${labels.length} classes but the head has ${classes}`)
  }
  if (!labels) {
    labels = Array.from({ length: classes }, (_, i) => `class_${i}`)
    if (layout.family !== 'microsoft' || !layout.labelDict) warnings.push(`no class names for the ${classes}-class head: using class_0…class_${classes - 1}`)
  }
  return { weight, bias, labels, activation }
}
