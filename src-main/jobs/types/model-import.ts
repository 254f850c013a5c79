import { RESUMABLE_JOB_STATUSES, ModelImportParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Converts a checkpoint and registers it; all or nothing, so a resumed import starts again. */
export const modelImportJob: JobTypeDefinition = {
  type: 'model-import',
  params: ModelImportParams,
  resource: 'cpu',
  worker: 'model-import',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: () => null,
}
