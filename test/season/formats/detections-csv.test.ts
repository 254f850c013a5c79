import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { parseCsv } from '../../../src-main/season/formats/csv'
import { DETECTION_CSV_COLUMNS, writeDetectionsCsv } from '../../../src-main/season/formats/detections-csv'

describe('writeDetectionsCsv', () => {
  it('writes wall-clock times with the recording offset and every column', () => {
    const text = writeDetectionsCsv([
      {
        recording: '/season/A1/20240903_193130.WAV',
        recordingStart: '2024-09-03T19:31:30+01:00',
        start: 3.5,
        end: 6.25,
        lowHz: 20000,
        highHz: 90000,
        site: 'Forest edge, north',
        deployment: 'A1-2024',
        latitude: 49.093119,
        longitude: 5.047867,
        label: 'Pipistrellus "kuhlii"',
        score: 0.912,
        reviewState: 'confirmed',
        modelId: 'bats-head',
        modelVersion: '3',
        threshold: 0.5,
      },
    ])
    expect(text).toBe(
      DETECTION_CSV_COLUMNS.join(',') +
        '\r\n' +
        '/season/A1/20240903_193130.WAV,"Forest edge, north",A1-2024,49.093119,5.047867,3.5,6.25,2024-09-03T19:31:33.5+01:00,2024-09-03T19:31:36.25+01:00,20000,90000,"Pipistrellus ""kuhlii""",0.912,confirmed,bats-head,3,0.5\r\n',
    )
  })

  it('crosses midnight in UTC and keeps local times local when the zone is unknown', () => {
    const rows = parseCsv(
      writeDetectionsCsv([
        { recording: 'a', recordingStart: '2024-12-31T23:59:59Z', start: 2, end: 3, label: 'x' },
        { recording: 'b', recordingStart: '2024-05-31T22:39:11', start: 0.001, end: 1, label: 'y' },
        { recording: 'c', start: 1, end: 2, label: 'z' },
      ]),
      ',',
    )
    const col = (name: string): number => DETECTION_CSV_COLUMNS.indexOf(name as (typeof DETECTION_CSV_COLUMNS)[number])
    expect(rows.slice(1).map((r) => [r.fields[col('start_time')], r.fields[col('end_time')]])).toEqual([
      ['2025-01-01T00:00:01Z', '2025-01-01T00:00:02Z'],
      ['2024-05-31T22:39:11.001', '2024-05-31T22:39:12'],
      ['', ''],
    ])
  })

  it('refuses a recording start that is not a timestamp', () => {
    expect(() => writeDetectionsCsv([{ recording: 'a', recordingStart: 'noon', start: 0, end: 1, label: 'x' }])).toThrow(AppError)
  })
})
