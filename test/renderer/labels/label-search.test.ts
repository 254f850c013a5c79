import { describe, expect, it } from 'vitest'
import { searchLabels } from '../../../src-renderer/src/components/labels/label-search'

const labels = [
  { id: 1, code: 'ERIRUB', scientificName: 'Erithacus rubecula', commonName: 'European robin' },
  { id: 2, code: 'TURMER', scientificName: 'Turdus merula', commonName: 'Eurasian blackbird' },
  { id: 3, code: 'TURPHI', scientificName: 'Turdus philomelos', commonName: 'Song thrush' },
  { id: 4, code: 'NOISE', scientificName: null, commonName: 'Wind / rain' },
  { id: 5, code: 'PIPPIP', scientificName: 'Pipistrellus pipistrellus', commonName: 'Common pipistrelle' },
]

const ids = (q: string, recent: number[] = []) => searchLabels(labels, q, recent).map((l) => l.id)

describe('label search', () => {
  it('puts code prefixes first, then name prefixes, then later words, then substrings', () => {
    expect(ids('tur')).toEqual([2, 3])
    expect(ids('turmer')).toEqual([2])
    expect(ids('black')).toEqual([2])
    expect(ids('song')).toEqual([3])
    expect(ids('thrush')).toEqual([3])
    expect(ids('rain')).toEqual([4])
    expect(ids('pip')).toEqual([5])
    expect(ids('ub')).toEqual([1])
    expect(ids('r')).toEqual([1, 4, 2, 3, 5])
  })

  it('is case-insensitive and trims what was typed', () => {
    expect(ids('  ERIth ')).toEqual([1])
  })

  it('lists recently used labels first when nothing is typed', () => {
    expect(ids('', [3, 5])).toEqual([3, 5, 1, 2, 4])
    expect(ids('', [99])).toEqual([1, 2, 3, 4, 5])
  })

  it('finds nothing for text no label contains', () => {
    expect(ids('zzz')).toEqual([])
  })
})
