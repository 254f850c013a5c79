import { describe, expect, it } from 'vitest'
import { folderNameFor, folderNameProblem, joinPath, pathCrumbs, pathSeparator } from '../../../src-renderer/src/folders/paths'

describe('pathCrumbs', () => {
  it('splits a POSIX path from the root', () => {
    expect(pathCrumbs('/home/ana/seasons')).toEqual([
      { label: '/', path: '/' },
      { label: 'home', path: '/home' },
      { label: 'ana', path: '/home/ana' },
      { label: 'seasons', path: '/home/ana/seasons' },
    ])
    expect(pathCrumbs('/')).toEqual([{ label: '/', path: '/' }])
  })

  it('splits a Windows drive path with backslashes', () => {
    expect(pathCrumbs('D:\\Field\\2024')).toEqual([
      { label: 'D:\\', path: 'D:\\' },
      { label: 'Field', path: 'D:\\Field' },
      { label: '2024', path: 'D:\\Field\\2024' },
    ])
  })

  it('keeps \\\\server\\share together as the root of a UNC path', () => {
    expect(pathCrumbs('\\\\nas\\audio\\sites\\A')).toEqual([
      { label: '\\\\nas\\audio\\', path: '\\\\nas\\audio\\' },
      { label: 'sites', path: '\\\\nas\\audio\\sites' },
      { label: 'A', path: '\\\\nas\\audio\\sites\\A' },
    ])
  })
})

describe('joinPath and pathSeparator', () => {
  it('joins with the separator the path already uses', () => {
    expect(joinPath('/data', 'new')).toBe('/data/new')
    expect(joinPath('/', 'new')).toBe('/new')
    expect(joinPath('C:\\Users\\ana', 'new')).toBe('C:\\Users\\ana\\new')
    expect(joinPath('C:\\', 'new')).toBe('C:\\new')
    expect(pathSeparator('C:/mixed/style')).toBe('\\')
    expect(pathSeparator('/srv/a\\b')).toBe('/')
  })
})

describe('folderNameProblem', () => {
  it('accepts ordinary names', () => {
    expect(folderNameProblem('kakadu-2024')).toBeNull()
    expect(folderNameProblem('Bats (transect 3)')).toBeNull()
  })

  it('refuses names that cannot be a single portable folder', () => {
    expect(folderNameProblem('')).toBe('Type a name for the new folder.')
    expect(folderNameProblem('   ')).toBe('Type a name for the new folder.')
    expect(folderNameProblem(' lead')).toBe('The name cannot start or end with spaces.')
    expect(folderNameProblem('a/b')).toBe('A folder name cannot contain / or \\.')
    expect(folderNameProblem('a\\b')).toBe('A folder name cannot contain / or \\.')
    expect(folderNameProblem('..')).toBe('Choose a real folder name.')
    expect(folderNameProblem('x'.repeat(256))).toBe('The name is too long (255 characters at most).')
    expect(folderNameProblem('what?')).toBe('Avoid < > : " | ? * in folder names.')
  })
})

describe('folderNameFor', () => {
  it('suggests a lower-case, dash-separated, accent-free folder name', () => {
    expect(folderNameFor('Kakadu wet season 2024')).toBe('kakadu-wet-season-2024')
    expect(folderNameFor('  Ñandú / Río Paraná!  ')).toBe('nandu-rio-parana')
    expect(folderNameFor('鳥')).toBe('')
  })
})
