import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src-main/errors'
import { listDirectory } from '../../src-main/services/folder-browser'
import { tempDir } from '../helpers/main-services'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

describe('folder browser (system.listDir)', () => {
  it('lists folders first, marks projects, hides dot entries and shows files only when asked', () => {
    const d = tempDir()
    dirs.push(d)
    mkdirSync(join(d.path, 'zeta'))
    mkdirSync(join(d.path, 'Alpha'))
    mkdirSync(join(d.path, 'proj'))
    writeFileSync(join(d.path, 'proj', 'project.sqlite'), '')
    mkdirSync(join(d.path, '.hidden'))
    writeFileSync(join(d.path, 'b.wav'), 'x')
    const folders = listDirectory(d.path)
    expect(folders.path).toBe(d.path)
    expect(folders.parent).toBe(join(d.path, '..'))
    expect(folders.entries.map((e) => [e.name, e.isDir, e.isProject])).toEqual([
      ['Alpha', true, false],
      ['proj', true, true],
      ['zeta', true, false],
    ])
    expect(listDirectory(d.path, true).entries.map((e) => e.name)).toEqual(['Alpha', 'proj', 'zeta', 'b.wav'])
  })

  it('has no parent at the file-system root and refuses relative or missing folders', () => {
    expect(listDirectory('/').parent).toBeNull()
    const code = (fn: () => unknown) => {
      try {
        fn()
        return null
      } catch (err) {
        return err instanceof AppError ? err.code : String(err)
      }
    }
    expect(code(() => listDirectory('relative'))).toBe('INVALID_REQUEST')
    expect(code(() => listDirectory('/no/such/folder/anywhere'))).toBe('NOT_FOUND')
  })
})
