// Worker-thread entry (not a job worker): reads and scores stored window embeddings for the
// rescore worker and the CLI, beside the thread that writes detections (see analysis/score-thread.ts).
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { serveScoreThread, type ScoreRequest } from '../analysis/score-thread'

if (isMainThread || !parentPort) {
  process.stderr.write('score-thread: this is an OpenBEATs Studio worker thread; the rescore worker starts it\n')
  process.exitCode = 2
} else {
  serveScoreThread(parentPort, workerData as ScoreRequest)
}
