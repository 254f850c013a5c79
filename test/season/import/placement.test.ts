import { describe, expect, it } from 'vitest'
import { placeRecording } from '../../../src-main/season/import/placement'

const ROOT = '/data/season-2024'

describe('placeRecording (site and deployment from folders and serial)', () => {
  it.each([
    ['<site>/<deployment>/file', 'Ridge/moth-a/20240601_050000.WAV', 'SN1', { site: 'Ridge', deployment: 'moth-a', bySerial: false }],
    ['deeper trees: the last two places', 'north/Ridge/moth-a/20240601_050000.WAV', 'SN1', { site: 'Ridge', deployment: 'moth-a', bySerial: false }],
    ['daily and generic folders are not places', 'Ridge/moth-a/DATA/20240601/050000.WAV', undefined, { site: 'Ridge', deployment: 'moth-a', bySerial: false }],
    ['<site>/file with a serial', 'Marsh/20240601_050000.WAV', 'SN2', { site: 'Marsh', deployment: 'SN2', bySerial: true }],
    ['<site>/file without one', 'Marsh/clip.wav', undefined, { site: 'Marsh', deployment: 'Marsh', bySerial: false, byFolderOnly: true }],
    ['files in the root: the root is the site', '20240601_050000.WAV', 'SN3', { site: 'season-2024', deployment: 'SN3', bySerial: true }],
    ['dated folders only', '2024-06-01/050000.WAV', undefined, { site: 'season-2024', deployment: 'season-2024', bySerial: false }],
  ])('%s', (_name, rel, serial, expected) => {
    expect(placeRecording(ROOT, `${ROOT}/${rel}`, serial)).toMatchObject(expected)
  })
})
