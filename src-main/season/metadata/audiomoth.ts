// AudioMoth `ICMT` comments and `IART` artist strings. The wording changed with almost every
// firmware release (1.0 … 1.10 and the GPS-Sync firmware), so each piece of the sentence is matched
// on its own and anything left over is reported rather than dropped. Time is written as local
// wall-clock time followed by the configured zone, e.g. "19:31:30 03/09/2024 (UTC+1)".
import { cString } from './text-decode'
import { makeRecordedTime, type RecordedTime } from './timestamp'
import { dropUndefined } from './objects'

export const AUDIOMOTH_GAINS = ['low', 'low-medium', 'medium', 'medium-high', 'high'] as const
export type AudioMothGain = (typeof AUDIOMOTH_GAINS)[number]

export interface AudioMothFilter {
  type: 'low-pass' | 'high-pass' | 'band-pass'
  lowHz?: number
  highHz?: number
}

export interface AudioMothTrigger {
  type: 'amplitude' | 'frequency'
  /** The threshold as written: "4%", "-30 dB", "512". */
  threshold: string
  thresholdPercent?: number
  thresholdDecibels?: number
  /** Firmware before 1.6 wrote a raw 16-bit amplitude. */
  thresholdRaw?: number
  minimumDurationSeconds?: number
  centreFrequencyHz?: number
  windowLengthSamples?: number
}

export type AudioMothStopReason = 'switch-position' | 'magnetic-switch' | 'low-voltage' | 'file-size-limit' | 'microphone-change' | 'other'

export interface AudioMothComment {
  /** False when the text is not an AudioMoth comment at all. */
  recognized: boolean
  time?: RecordedTime
  /** Firmware 1.0 wrote no zone; its clock was UTC, which we then assume. */
  timeZoneAssumed?: boolean
  serial?: string
  deploymentId?: string
  externalMicrophone?: boolean
  gain?: AudioMothGain
  /** 0 (low) … 4 (high); older firmware wrote only this number. */
  gainSetting?: number
  batteryVolts?: number
  /** Set when the firmware only reported a bound ("less than 2.5V", "greater than 4.9V"). */
  batteryBound?: 'below' | 'above'
  temperatureC?: number
  filter?: AudioMothFilter
  trigger?: AudioMothTrigger
  recordingStopped?: { reason: AudioMothStopReason; text: string }
  warnings: string[]
}

const NUM = String.raw`(\d+(?:\.\d+)?)`
const GAIN_NAMES = 'low-medium|medium-high|low|medium|high'

interface Rule {
  pattern: RegExp
  apply: (m: RegExpExecArray, out: AudioMothComment) => void
}

const RULES: Rule[] = [
  {
    pattern: /Recorded at (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))? (\d{2})\/(\d{2})\/(\d{4})(?: \(UTC(?:([+-])(\d{1,2})(?::(\d{1,2}))?)?\))?/,
    apply: (m, out) => {
      const [, hh, mm, ss, ms, dd, mo, yyyy, sign, zh, zm] = m
      const hasZone = m[0].includes('(UTC')
      const offset = !hasZone ? 0 : sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm ?? 0))
      const time = makeRecordedTime({ year: +yyyy, month: +mo, day: +dd, hour: +hh, minute: +mm, second: +ss, fraction: ms ?? '' }, offset)
      if (!time) {
        out.warnings.push(`AudioMoth comment time ${JSON.stringify(m[0].slice(12))} is not a valid date`)
        return
      }
      out.time = time
      if (!hasZone) {
        out.timeZoneAssumed = true
        out.warnings.push('AudioMoth comment gives no time zone (firmware 1.0 style); UTC assumed')
      }
    },
  },
  { pattern: /\bby AudioMoth ([0-9A-Fa-f]{16})\b/, apply: (m, out) => void (out.serial = m[1].toUpperCase()) },
  { pattern: /\bduring deployment ([0-9A-Fa-f]{16})\b/, apply: (m, out) => void (out.deploymentId = m[1].toUpperCase()) },
  { pattern: /\busing external microphone\b/, apply: (_m, out) => void (out.externalMicrophone = true) },
  {
    pattern: new RegExp(String.raw`\bat (?:gain setting (\d)|(${GAIN_NAMES}) gain(?: setting)?)\b`),
    apply: (m, out) => {
      const index = m[1] !== undefined ? Number(m[1]) : AUDIOMOTH_GAINS.indexOf(m[2] as AudioMothGain)
      if (index >= 0 && index < AUDIOMOTH_GAINS.length) {
        out.gainSetting = index
        out.gain = AUDIOMOTH_GAINS[index]
      } else {
        out.warnings.push(`AudioMoth gain setting ${m[1]} is outside 0–4`)
      }
    },
  },
  {
    pattern: new RegExp(String.raw`\bwhile battery(?: state)? was (?:(less than|greater than|<|>) ?)?${NUM}V`),
    apply: (m, out) => {
      out.batteryVolts = Number(m[2])
      if (m[1]) out.batteryBound = m[1] === 'less than' || m[1] === '<' ? 'below' : 'above'
    },
  },
  { pattern: /\band temperature was (-?\d+(?:\.\d+)?)C\b/, apply: (m, out) => void (out.temperatureC = Number(m[1])) },
  {
    // 1.6+: "High-pass filter with frequency of 15.0kHz applied."; 1.4–1.5: "… applied with cut-off frequency of …kHz."
    pattern: new RegExp(String.raw`\b(Low|High)-pass filter (?:with frequency of|applied with cut-off frequency of) ${NUM}kHz(?: applied)?\.?`),
    apply: (m, out) => {
      const hz = Math.round(Number(m[2]) * 1000)
      out.filter = m[1] === 'Low' ? { type: 'low-pass', highHz: hz } : { type: 'high-pass', lowHz: hz }
    },
  },
  {
    pattern: new RegExp(String.raw`\bBand-pass filter (?:with frequencies of|applied with cut-off frequencies of) ${NUM}kHz and ${NUM}kHz(?: applied)?\.?`),
    apply: (m, out) => void (out.filter = { type: 'band-pass', lowHz: Math.round(Number(m[1]) * 1000), highHz: Math.round(Number(m[2]) * 1000) }),
  },
  {
    pattern: /\bAmplitude threshold was (-?\d+(?:\.\d+)?)( ?dB|%)?(?: with (\d+)s minimum trigger duration)?\.?/,
    apply: (m, out) => {
      const value = Number(m[1])
      const unit = m[2]?.trim()
      const trigger: AudioMothTrigger = { type: 'amplitude', threshold: m[1] + (m[2] ?? '') }
      if (unit === '%') trigger.thresholdPercent = value
      else if (unit === 'dB') trigger.thresholdDecibels = value
      else trigger.thresholdRaw = value
      if (m[3] !== undefined) trigger.minimumDurationSeconds = Number(m[3])
      out.trigger = trigger
    },
  },
  {
    pattern: new RegExp(String.raw`\bFrequency trigger \(${NUM}kHz and window length of (\d+) samples\) threshold was ${NUM}%(?: with (\d+)s minimum trigger duration)?\.?`),
    apply: (m, out) => {
      out.trigger = dropUndefined({
        type: 'frequency' as const,
        threshold: m[3] + '%',
        thresholdPercent: Number(m[3]),
        centreFrequencyHz: Math.round(Number(m[1]) * 1000),
        windowLengthSamples: Number(m[2]),
        minimumDurationSeconds: m[4] === undefined ? undefined : Number(m[4]),
      })
    },
  },
  {
    pattern: /\bRecording (?:cancelled before completion|cancelled|stopped) (due to|because of|because|by) ([^.]+)\.?/,
    apply: (m, out) => void (out.recordingStopped = { reason: stopReason(m[2]), text: `${m[1]} ${m[2]}` }),
  },
]

function stopReason(text: string): AudioMothStopReason {
  const t = text.toLowerCase()
  if (t.includes('magnetic')) return 'magnetic-switch'
  if (t.includes('switch')) return 'switch-position'
  if (t.includes('voltage') || t.includes('battery')) return 'low-voltage'
  if (t.includes('file size')) return 'file-size-limit'
  if (t.includes('microphone')) return 'microphone-change'
  return 'other'
}

/** Parses an AudioMoth `ICMT` comment of any firmware generation. Never throws. */
export function parseAudioMothComment(comment: string): AudioMothComment {
  const text = cString(comment).replace(/\s+/g, ' ')
  const out: AudioMothComment = { recognized: false, warnings: [] }
  if (!/^Recorded at \d/.test(text)) {
    if (text) out.warnings.push(`not an AudioMoth comment: ${JSON.stringify(text.slice(0, 60))}`)
    return out
  }
  out.recognized = true
  let rest = text
  for (const rule of RULES) {
    const m = rule.pattern.exec(rest)
    if (!m) continue
    rule.apply(m, out)
    rest = rest.slice(0, m.index) + ' '.repeat(m[0].length) + rest.slice(m.index + m[0].length)
  }
  const leftover = rest.replace(/[\s.,;]+/g, ' ').trim()
  if (leftover) out.warnings.push(`AudioMoth comment has text we do not recognise: ${JSON.stringify(leftover)}`)
  if (!out.time) out.warnings.push('AudioMoth comment has no readable recording time')
  return out
}

/** `IART` = "AudioMoth 24E144055E080032" → the serial number. */
export function parseAudioMothArtist(artist: string): { serial?: string } {
  const m = /^AudioMoth ([0-9A-Fa-f]{16})$/.exec(cString(artist))
  return m ? { serial: m[1].toUpperCase() } : {}
}
