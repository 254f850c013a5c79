import type { JobTypeDefinition } from '../job-type'
import { analyzeJob } from './analyze'
import { exportJob } from './export'
import { finetuneJob } from './finetune'
import { gpuEmbedJob } from './gpu-embed'
import { importJob } from './import'
import { mediaCacheJob } from './media-cache'
import { modelImportJob } from './model-import'
import { pretrainJob } from './pretrain'
import { rescoreJob } from './rescore'
import { scanFolderJob } from './scan-folder'
import { tokenizerJob } from './tokenizer'
import { trainHeadJob } from './train-head'
import { trainerImportJob } from './trainer-import'

/** Every job type this build runs. Adding one: a module in this folder and a line here. */
export const BUILTIN_JOB_TYPES: readonly JobTypeDefinition[] = [scanFolderJob, importJob, exportJob, analyzeJob, rescoreJob, modelImportJob, mediaCacheJob, trainHeadJob,
  finetuneJob, pretrainJob, tokenizerJob, gpuEmbedJob, trainerImportJob]
