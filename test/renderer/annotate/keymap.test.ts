import { describe, expect, it } from 'vitest'
import { isTypingTarget, matchShortcut, SHORTCUTS, type AnnotateAction } from '../../../src-renderer/src/components/annotate/keymap'

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
})

describe('annotate keymap', () => {
  it.each<[ReturnType<typeof key>, AnnotateAction | null]>([
    [key(' '), 'play-pause'],
    [key('p'), 'play-selection'],
    [key('Tab'), 'next-annotation'],
    [key('Tab', { shiftKey: true }), 'previous-annotation'],
    [key(']'), 'next-annotation'],
    [key('['), 'previous-annotation'],
    [key('l'), 'label'],
    [key('L', { shiftKey: true }), 'label'],
    [key('Delete'), 'delete'],
    [key('Backspace'), 'delete'],
    [key('z', { ctrlKey: true }), 'undo'],
    [key('z', { metaKey: true }), 'undo'],
    [key('Z', { ctrlKey: true, shiftKey: true }), 'redo'],
    [key('y', { ctrlKey: true }), 'redo'],
    [key('+', { shiftKey: true }), 'zoom-in'],
    [key('='), 'zoom-in'],
    [key('-'), 'zoom-out'],
    [key('0'), 'zoom-fit'],
    [key('z'), 'zoom-selection'],
    [key('?', { shiftKey: true }), 'help'],
    [key('<', { shiftKey: true }), 'slower'],
    [key('ArrowRight', { shiftKey: true }), 'scroll-right'],
    [key('Escape'), 'deselect'],
    [key('b'), 'box-mode'],
    [key('x'), null],
    [key('l', { altKey: true }), null],
    [key('s', { ctrlKey: true }), null],
  ])('%j → %s', (event, action) => {
    expect(matchShortcut(event)).toBe(action)
  })

  it('lists every action in the help exactly once, each with at least one key', () => {
    const actions = SHORTCUTS.map((s) => s.action)
    expect(new Set(actions).size).toBe(actions.length)
    expect(SHORTCUTS.every((s) => s.keys.length > 0 && s.description.length > 0)).toBe(true)
    // Every listed key really triggers its action (what the help says is what the handler does).
    for (const s of SHORTCUTS) {
      for (const k of s.keys) {
        const parts = k.split('+').filter((p, i, all) => p !== '' || i === all.length - 1)
        const name = k === '+' ? '+' : parts[parts.length - 1]
        const event = key(name.length === 1 ? name.toLowerCase() : name, { ctrlKey: parts.includes('Ctrl'), shiftKey: parts.includes('Shift') })
        expect(matchShortcut(event), k).toBe(s.action)
      }
    }
  })

  it('ignores keys typed into text fields but not into checkboxes', () => {
    const input = document.createElement('input')
    expect(isTypingTarget(input)).toBe(true)
    input.type = 'checkbox'
    expect(isTypingTarget(input)).toBe(false)
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true)
    expect(isTypingTarget(document.createElement('div'))).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})
