// 16-bit PCM WAV files written the way an AudioMoth writes them: `YYYYMMDD_HHMMSS.WAV` in the
// recorder's local time, and a LIST/INFO chunk whose ICMT comment states the start time, zone,
// serial, gain, battery and temperature (the import reads these).

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

export interface MothHeader {
  serial: string
  /** Start instant, UTC epoch ms. */
  startMs: number
  /** Minutes east of UTC (the recorder's configured zone). */
  offsetMinutes: number
  batteryV: number
  temperatureC: number
}

function local(startMs: number, offsetMinutes: number): Date {
  return new Date(startMs + offsetMinutes * 60_000)
}

/** `20240514_043000` in the recorder's local time. */
export function mothFileStem(startMs: number, offsetMinutes: number): string {
  const d = local(startMs, offsetMinutes)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}

export function mothComment(h: MothHeader): string {
  const d = local(h.startMs, h.offsetMinutes)
  const zone = h.offsetMinutes === 0 ? 'UTC' : `UTC${h.offsetMinutes > 0 ? '+' : '-'}${Math.abs(h.offsetMinutes) / 60}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
  return `Recorded at ${time} (${zone}) by AudioMoth ${h.serial} at medium gain while battery was ${h.batteryV.toFixed(1)}V and temperature was ${h.temperatureC.toFixed(1)}C.`
}

function chunk(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header.write(id, 0, 'latin1')
  header.writeUInt32LE(body.length, 4)
  return Buffer.concat([header, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)])
}

function zeroTerminated(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(1)])
}

/** The whole file: samples in [-1, 1] are clipped and rounded to 16 bits. */
export function mothWav(samples: Float32Array, rate: number, h: MothHeader): Buffer {
  const fmt = Buffer.alloc(16)
  fmt.writeUInt16LE(1, 0)
  fmt.writeUInt16LE(1, 2)
  fmt.writeUInt32LE(rate, 4)
  fmt.writeUInt32LE(rate * 2, 8)
  fmt.writeUInt16LE(2, 12)
  fmt.writeUInt16LE(16, 14)
  const info = chunk('LIST', Buffer.concat([Buffer.from('INFO', 'latin1'), chunk('ICMT', zeroTerminated(mothComment(h))), chunk('IART', zeroTerminated(`AudioMoth ${h.serial}`))]))
  const data = Buffer.alloc(samples.length * 2)
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 2 * i)
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt), info, chunk('data', data)])
  const riff = Buffer.alloc(8)
  riff.write('RIFF', 0, 'latin1')
  riff.writeUInt32LE(body.length, 4)
  return Buffer.concat([riff, body])
}
