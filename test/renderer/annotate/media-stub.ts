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
    if (/\/peaks$/.test(url)) {
      const b8 = Math.ceil(frames / 256)
      const b10 = Math.ceil(frames / 1024)
      return json({ version: 1, fingerprint: 'stub', sampleRate, frames, channels: 1, levels: [{ bucketLog2: 8, buckets: b8, offset: 0, bytes: 4 * b8 }, { bucketLog2: 10, buckets: b10, offset: 4 * b8, bytes: 4 * b10 }] })
    }
    if (/\/peaks\/\d+$/.test(url)) return new Response(new Int16Array(2 * Math.ceil(frames / 1024)).buffer)
    if (/\/spectrogram\/\d+$/.test(url)) {
      const columns = Math.ceil(frames / 256)
      const levels = [0, 1, 2, 3, 4].map((level) => ({ level, columns: Math.ceil(columns / 2 ** level), offset: 0, bytes: 0 }))
      return json({ version: 1, fingerprint: 'stub', sampleRate, frames, fftSize: 512, hop: 256, rows: 256, columns, tileColumns: 256, dbFloor: -120, dbStep: 0.5, storedFrom: 0, topLevel: 4, levels })
    }
    if (/\/spectrogram\/\d+\/\d+\/\d+$/.test(url)) return new Response(new Uint8Array(256 * 256).buffer)
    return new Response('not found', { status: 404 })
  })
  vi.stubGlobal('fetch', fetchStub)
  return { requests, fetchStub }
}
