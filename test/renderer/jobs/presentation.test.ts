import { describe, expect, it } from 'vitest'
import {
  canCancel,
  canResume,
  describeResult,
  isActive,
  jobSubject,
  jobTypeLabel,
  progressFraction,
  statusLabel,
  statusTone,
} from '../../../src-renderer/src/jobs/presentation'
import { JOB_STATUSES } from '../../../src-shared/contracts'
import { jobSnapshot } from '../helpers/fixtures'

describe('job presentation', () => {
  it('names known job types and makes unknown ones readable', () => {
    expect(jobTypeLabel('scan-folder')).toBe('Scan folder')
    expect(jobTypeLabel('train_head')).toBe('Train head')
  })

  it('finds the folder a scan works on', () => {
    expect(jobSubject(jobSnapshot())).toBe('/data/sd-card-07')
    expect(jobSubject(jobSnapshot({ params: { type: 'x', count: 3 } }))).toBeNull()
  })

  it('offers cancel only while queued or running, and resume once interrupted, cancelled or failed', () => {
    expect(JOB_STATUSES.filter(canCancel)).toEqual(['queued', 'running'])
    expect(JOB_STATUSES.filter(canResume)).toEqual(['cancelled', 'failed', 'interrupted'])
    expect(JOB_STATUSES.filter(isActive)).toEqual(['queued', 'running', 'cancelling'])
  })

  it('has a label and tone for every status', () => {
    expect(JOB_STATUSES.map(statusLabel)).toEqual(['Queued', 'Running', 'Cancelling', 'Cancelled', 'Failed', 'Succeeded', 'Interrupted'])
    expect(statusTone('failed')).toBe('danger')
    expect(statusTone('succeeded')).toBe('success')
  })

  it('computes progress when the total is known and is indeterminate otherwise', () => {
    expect(progressFraction(jobSnapshot())).toBeCloseTo(0.2468, 6)
    const counting = jobSnapshot({ progress: { done: 10, total: null, unit: 'files', rate: null, etaSeconds: null, message: null } })
    expect(progressFraction(counting)).toBeNull()
    expect(progressFraction(jobSnapshot({ progress: null }))).toBeNull()
    expect(progressFraction(jobSnapshot({ progress: { done: 0, total: 0, unit: 'files', rate: null, etaSeconds: null, message: null } }))).toBeNull()
    expect(progressFraction(jobSnapshot({ progress: { done: 7, total: 5, unit: 'files', rate: null, etaSeconds: null, message: null } }))).toBe(1)
  })

  it('treats a succeeded job as complete even when its last progress lagged', () => {
    expect(progressFraction(jobSnapshot({ status: 'succeeded' }))).toBe(1)
    expect(progressFraction(jobSnapshot({ status: 'succeeded', progress: null }))).toBe(1)
  })

  it('describes an unknown type\'s result one level deep, sizes in bytes and counts grouped', () => {
    const n = (v: number) => new Intl.NumberFormat().format(v)
    expect(describeResult('train-head', { epochs: 12840, modelBytes: 23_456_789, perClass: { wren: 12000, owl: 840 }, tally: { files: 3, bytes: 1500 }, name: 'v2', nested: { a: 'b' }, list: [1] })).toEqual([
      { label: 'Epochs', value: n(12840) },
      { label: 'Model size', value: expect.stringMatching(/^23[.,]5 MB$/) },
      { label: 'Per class', value: `wren ${n(12000)} · owl 840` },
      { label: 'Tally', value: expect.stringMatching(/^3 \(1[.,]5 kB\)$/) },
      { label: 'Name', value: 'v2' },
    ])
    expect(describeResult('x', null)).toEqual([])
    expect(describeResult('x', [1, 2])).toEqual([])
  })

  it('describes a scan: audio first, formats by count, problems only when there are some', () => {
    const scan = {
      folder: '/data/sd',
      files: 130,
      bytes: 5_000_000,
      audio: { files: 120, bytes: 4_800_000 },
      byFormat: { flac: { files: 20, bytes: 800_000 }, wav: { files: 100, bytes: 4_000_000 } },
      unrecognised: { files: 0, bytes: 0 },
      other: { files: 10, bytes: 200_000 },
      unreadable: 0,
      skippedLinks: 2,
    }
    expect(describeResult('scan-folder', scan)).toEqual([
      { label: 'Audio files', value: expect.stringMatching(/^120 \(4[.,]8 MB\)$/) },
      { label: 'By format', value: 'wav 100 · flac 20' },
      { label: 'Other files', value: '10 (200 kB)' },
      { label: 'Links not followed', value: '2' },
    ])
  })

  it('falls back to the generic description when a scan result has an unexpected shape', () => {
    expect(describeResult('scan-folder', { files: 3 })).toEqual([{ label: 'Files', value: '3' }])
  })
})
