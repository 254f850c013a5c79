// Answers the viewer's media requests (peaks, spectrogram index and tiles) without a main process.
import { vi } from 'vitest'

export function stubMediaFetch(opts: { frames?: number; sampleRate?: number } = {}) {
  const sampleRate = opts.sampleRate ?? 48_000
  const frames = opts.frames ?? sampleRate * 60
  const requests: string[] = []
  const json = (v: unknown) => new Response(JSON.stringify(v), { status: 200, headers: { 'Content-Type': 'application/json' } })
  const fetchStub = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input)
    requests.push(url)
    if (/\/peaks$/.test(url)) return json({ sampleRate, frames, levels: [{ bucketLog2: 8, buckets: Math.ceil(frames / 256) }, { bucketLog2: 10, buckets: Math.ceil(frames / 1024) }] })
    if (/\/peaks\/\d+$/.test(url)) return new Response(new Int16Array(2 * Math.ceil(frames / 1024)).buffer)
    if (/\/spectrogram\/\d+$/.test(url)) {
      return json({ sampleRate, frames, fftSize: 512, hop: 256, rows: 256, columns: Math.ceil(frames / 256), tileColumns: 256, dbFloor: -120, dbStep: 0.5, storedFrom: 0, topLevel: 4 })
    }
    if (/\/spectrogram\/\d+\/\d+\/\d+$/.test(url)) return new Response(new Uint8Array(256 * 256).buffer)
    return new Response('not found', { status: 404 })
  })
  vi.stubGlobal('fetch', fetchStub)
  return { requests, fetchStub }
}
