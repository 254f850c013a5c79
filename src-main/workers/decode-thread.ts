// Worker-thread entry (not a job worker): decodes and resamples one recording to 16 kHz for the
// analyze worker and the CLI, beside the thread that runs the encoder (see analysis/audio-thread.ts).
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { serveDecodeThread, type DecodeRequest } from '../analysis/audio-thread'

if (isMainThread || !parentPort) {
  process.stderr.write('decode-thread: this is an OpenBEATs Studio worker thread; the analyze worker starts it\n')
  process.exitCode = 2
} else {
  serveDecodeThread(parentPort, workerData as DecodeRequest)
}
