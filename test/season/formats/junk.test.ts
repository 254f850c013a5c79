// Annotation parsers on junk: a result or ANNOTATION_FORMAT, never any other exception.
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { parseAudacityLabels } from '../../../src-main/season/formats/audacity'
import { parseBirdnetAudacity, parseBirdnetCsv } from '../../../src-main/season/formats/birdnet'
import { parseAnnotationFile } from '../../../src-main/season/formats/detect'
import { parseRavenTable } from '../../../src-main/season/formats/raven'

function randomText(seed: number, length: number): string {
  const alphabet = '0123456789.,;\t\t\t\n\r\n "\\-eaBeginTime(s)EndLowHighFreqHzSelectionView,'
  let a = seed >>> 0
  let out = ''
  for (let i = 0; i < length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    out += alphabet[a % alphabet.length]
  }
  return out
}

describe('annotation parsers on junk', () => {
  it('give rows or ANNOTATION_FORMAT for 400 random texts', () => {
    const heads = ['', 'Begin Time (s)\tEnd Time (s)\tLabel\n', 'Start (s),End (s),Scientific name,Common name,Confidence\n', '1\t2\tA\n']
    for (let seed = 1; seed <= 400; seed++) {
      const text = heads[seed % heads.length] + randomText(seed, seed % 200)
      for (const parse of [parseAnnotationFile, parseRavenTable, parseAudacityLabels, parseBirdnetAudacity, parseBirdnetCsv]) {
        try {
          const r = parse(text, { fileName: 'junk', sampleRate: 1000, durationSeconds: 5 })
          expect(r.rows.every((row) => Number.isFinite(row.start) && row.end >= row.start)).toBe(true)
        } catch (err) {
          expect(err, `seed ${seed} ${parse.name}`).toBeInstanceOf(AppError)
          expect((err as AppError).code).toBe('ANNOTATION_FORMAT')
        }
      }
    }
  })
})
