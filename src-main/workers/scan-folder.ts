// Worker: counts the audio files under a folder (job type `scan-folder`).
import { ScanFolderParams } from '../../src-shared/contracts'
import { scanAudioFolder } from '../jobs/scan/scan-audio-folder'
import { runWorker } from '../jobs/worker-runtime'

runWorker({
  name: 'scan-folder',
  params: ScanFolderParams,
  async run(ctx) {
    ctx.log('info', `${ctx.resumeFrom ? 'Resuming the scan of' : 'Scanning'} ${ctx.params.folder}`)
    const result = await scanAudioFolder(ctx.params.folder, {
      signal: ctx.signal,
      resumeFrom: ctx.resumeFrom,
      onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
      onCheckpoint: (state) => ctx.checkpoint(state),
    })
    ctx.log('info', `${result.files} files, ${result.audio.files} of them audio (${result.audio.bytes} bytes)`)
    return result
  },
})
