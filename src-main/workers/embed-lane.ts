// Worker-thread entry (not a job worker): one lane of a CPU analysis, embedding its share of the
// recordings with its own encoder session beside the job's thread (see analysis/embed-lanes.ts).
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { serveEmbedLane, type LaneRequest } from '../analysis/embed-lanes'

if (isMainThread || !parentPort) {
  process.stderr.write('embed-lane: this is an OpenBEATs Studio worker thread; the analyze worker starts it\n')
  process.exitCode = 2
} else {
  serveEmbedLane(parentPort, workerData as LaneRequest)
}
