import { RESUMABLE_JOB_STATUSES, ExportParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Writes export files; a resumed export starts again (it is quick, and its files are replaced whole). */
export const exportJob: JobTypeDefinition = {
  type: 'export',
  params: ExportParams,
  resource: 'io',
  worker: 'export',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: () => null,
}
