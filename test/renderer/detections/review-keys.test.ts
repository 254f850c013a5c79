import { describe, expect, it } from 'vitest'
import { isTypingTarget, REVIEW_SHORTCUTS, reviewActionFor } from '../../../src-renderer/src/components/detections/review-keys'

describe('review keys', () => {
  it('maps both conventions of each decision, and the moves', () => {
    const act = (key: string) => reviewActionFor({ key })
    expect(['c', 'C', 'y', 'Y'].map(act)).toEqual(['confirm', 'confirm', 'confirm', 'confirm'])
    expect(['x', 'n', 'N'].map(act)).toEqual(['reject', 'reject', 'reject'])
    expect([act('u'), act('l'), act('0'), act('?')]).toEqual(['uncertain', 'relabel', 'unreviewed', 'help'])
    expect(['s', 'ArrowDown', 'j'].map(act)).toEqual(['next', 'next', 'next'])
    expect(['ArrowUp', 'k', 'PageDown', 'Home', 'End', ' ', 'p'].map(act)).toEqual(['previous', 'previous', 'page-down', 'first', 'last', 'play', 'play'])
    expect(act('q')).toBeNull()
  })

  it('leaves shortcuts with modifiers to the browser (Ctrl+C copies)', () => {
    expect(reviewActionFor({ key: 'c', ctrlKey: true })).toBeNull()
    expect(reviewActionFor({ key: 'x', metaKey: true })).toBeNull()
    expect(reviewActionFor({ key: 'u', altKey: true })).toBeNull()
  })

  it('lists every action in the help exactly once', () => {
    const actions = REVIEW_SHORTCUTS.map((s) => s.action)
    expect(new Set(actions).size).toBe(actions.length)
    expect(actions.sort()).toEqual(['confirm', 'first', 'help', 'last', 'next', 'page-down', 'page-up', 'play', 'previous', 'reject', 'relabel', 'uncertain', 'unreviewed'])
  })

  it('treats text fields as typing, and checkboxes, sliders and buttons as not', () => {
    const input = (type: string) => Object.assign(document.createElement('input'), { type })
    expect(isTypingTarget(input('text'))).toBe(true)
    expect(isTypingTarget(input('search'))).toBe(true)
    expect(isTypingTarget(input('number'))).toBe(true)
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true)
    expect(isTypingTarget(document.createElement('select'))).toBe(true)
    expect(isTypingTarget(input('checkbox'))).toBe(false)
    expect(isTypingTarget(input('range'))).toBe(false)
    expect(isTypingTarget(document.createElement('button'))).toBe(false)
    expect(isTypingTarget(document.body)).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})
