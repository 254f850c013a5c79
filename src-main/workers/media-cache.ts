// Worker: precomputes waveform peaks and spectrogram tiles of recordings (job type `media-cache`).
import { MediaCacheParams } from '../../src-shared/contracts'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'
import { prepareMediaCache } from '../media/prepare-recordings'

runWorker({
  name: 'media-cache',
  params: MediaCacheParams,
  async run(ctx) {
    const db = openWorkerConnection(projectDbPath(ctx.projectDir))
    try {
      const result = await prepareMediaCache(db, ctx.projectDir, {
        recordingIds: ctx.params.recordingIds,
        deploymentIds: ctx.params.deploymentIds,
        minDurationS: ctx.params.minDurationS,
        signal: ctx.signal,
        resumeFrom: ctx.resumeFrom,
        onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
        onCheckpoint: (id) => ctx.checkpoint(id),
        log: (level, message) => ctx.log(level, message),
      })
      ctx.log('info', `${result.built} recordings prepared (${Math.round(result.audioSeconds / 60)} min of audio), ${result.alreadyCached} already cached, ${result.failed} failed`)
      return result
    } finally {
      db.close()
    }
  },
})
