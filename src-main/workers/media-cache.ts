// Worker: precomputes waveform peaks and spectrogram tiles of recordings (job type `media-cache`).
import { MediaCacheParams } from '../../src-shared/contracts'
import { operationHooks, withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'
import { prepareMediaCache } from '../media/prepare-recordings'

runWorker({
  name: 'media-cache',
  params: MediaCacheParams,
  run: (ctx) =>
    withProjectDatabase(ctx, async (db) => {
      const result = await prepareMediaCache(db, ctx.projectDir, {
        ...operationHooks(ctx),
        recordingIds: ctx.params.recordingIds,
        deploymentIds: ctx.params.deploymentIds,
        minDurationS: ctx.params.minDurationS,
        resumeFrom: ctx.resumeFrom,
        onCheckpoint: (id) => ctx.checkpoint(id),
      })
      ctx.log('info', `${result.built} recordings prepared (${Math.round(result.audioSeconds / 60)} min of audio), ${result.alreadyCached} already cached, ${result.failed} failed`)
      return result
    }),
})
