// Every shortcut of the annotate workspace in one table: the key handler matches against it and
// the help overlay lists it, so the two cannot drift apart.

export type AnnotateAction =
  | 'play-pause'
  | 'play-selection'
  | 'next-annotation'
  | 'previous-annotation'
  | 'label'
  | 'delete'
  | 'undo'
  | 'redo'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-fit'
  | 'zoom-selection'
  | 'scroll-left'
  | 'scroll-right'
  | 'go-start'
  | 'go-end'
  | 'box-mode'
  | 'slower'
  | 'faster'
  | 'deselect'
  | 'help'

export interface Shortcut {
  action: AnnotateAction
  /** Shown in the help: "Space", "Ctrl+Z", "Tab". */
  keys: string[]
  description: string
  group: 'Playback' | 'Annotations' | 'View'
}

export const SHORTCUTS: Shortcut[] = [
  { action: 'play-pause', keys: ['Space'], description: 'Play / pause from the cursor', group: 'Playback' },
  { action: 'play-selection', keys: ['P'], description: 'Play the selected annotation', group: 'Playback' },
  { action: 'slower', keys: ['<'], description: 'Slower playback (pitch drops: ultrasound becomes audible)', group: 'Playback' },
  { action: 'faster', keys: ['>'], description: 'Faster playback', group: 'Playback' },
  { action: 'go-start', keys: ['Home'], description: 'Cursor to the start', group: 'Playback' },
  { action: 'go-end', keys: ['End'], description: 'Cursor to the end', group: 'Playback' },
  { action: 'next-annotation', keys: ['Tab', ']'], description: 'Next annotation', group: 'Annotations' },
  { action: 'previous-annotation', keys: ['Shift+Tab', '['], description: 'Previous annotation', group: 'Annotations' },
  { action: 'label', keys: ['L'], description: 'Label the selected annotation', group: 'Annotations' },
  { action: 'delete', keys: ['Delete', 'Backspace'], description: 'Delete the selected annotation', group: 'Annotations' },
  { action: 'box-mode', keys: ['B'], description: 'Draw boxes on the spectrogram instead of segments (or hold Shift while dragging)', group: 'Annotations' },
  { action: 'undo', keys: ['Ctrl+Z'], description: 'Undo', group: 'Annotations' },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'Redo', group: 'Annotations' },
  { action: 'deselect', keys: ['Escape'], description: 'Deselect / cancel', group: 'Annotations' },
  { action: 'zoom-in', keys: ['+', '='], description: 'Zoom in (or the mouse wheel)', group: 'View' },
  { action: 'zoom-out', keys: ['-'], description: 'Zoom out', group: 'View' },
  { action: 'zoom-fit', keys: ['0'], description: 'Whole recording', group: 'View' },
  { action: 'zoom-selection', keys: ['Z'], description: 'Zoom to the selected annotation', group: 'View' },
  { action: 'scroll-left', keys: ['ArrowLeft'], description: 'Scroll back (Shift: a whole screen)', group: 'View' },
  { action: 'scroll-right', keys: ['ArrowRight'], description: 'Scroll forward (Shift: a whole screen)', group: 'View' },
  { action: 'help', keys: ['?'], description: 'Show or hide this list', group: 'View' },
]

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

function describe(e: KeyLike): string {
  const key = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toUpperCase() : e.key
  const ctrl = e.ctrlKey || e.metaKey
  // Shift is part of the character for symbols ("?", "<", "+"), so it only counts for named keys
  // and Ctrl combinations.
  const shiftMatters = ctrl || e.key.length > 1 || e.key === ' '
  return [ctrl ? 'Ctrl' : '', e.shiftKey && shiftMatters ? 'Shift' : '', key].filter(Boolean).join('+')
}

const BY_KEYS = new Map<string, AnnotateAction>()
for (const s of SHORTCUTS) for (const k of s.keys) BY_KEYS.set(k.length === 1 ? k.toUpperCase() : k, s.action)

/** The action a key press means here, or null (Ctrl+Shift+Z → redo; ⌘ counts as Ctrl). */
export function matchShortcut(e: KeyLike): AnnotateAction | null {
  if (e.altKey) return null
  const described = describe(e)
  const action = BY_KEYS.get(described)
  if (action) return action
  // Shift+Arrow scrolls further: same action, the handler reads shiftKey.
  if (e.shiftKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) return BY_KEYS.get(e.key) ?? null
  return null
}

/** Typing in a field must not trigger shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false
  const el = target as HTMLElement
  const tag = el.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true
  if (tag !== 'INPUT') return false
  const type = (el as HTMLInputElement).type
  return !['checkbox', 'radio', 'range', 'button', 'submit', 'color'].includes(type)
}
