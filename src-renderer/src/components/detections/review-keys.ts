// Every shortcut of the review table in one list: the key handler matches against it and the help
// overlay prints it, so the two cannot drift apart. Two keys per decision where researchers come
// from tools that use either (C/X or Y/N).

export type ReviewAction =
  | 'confirm'
  | 'reject'
  | 'uncertain'
  | 'unreviewed'
  | 'relabel'
  | 'next'
  | 'previous'
  | 'first'
  | 'last'
  | 'page-down'
  | 'page-up'
  | 'play'
  | 'help'

export interface ReviewShortcut {
  action: ReviewAction
  keys: string[]
  description: string
  group: 'Decide' | 'Move' | 'Listen'
}

export const REVIEW_SHORTCUTS: ReviewShortcut[] = [
  { action: 'confirm', keys: ['C', 'Y'], description: 'Confirm: the call is there and the label is right', group: 'Decide' },
  { action: 'reject', keys: ['X', 'N'], description: 'Reject: no such call here', group: 'Decide' },
  { action: 'uncertain', keys: ['U'], description: 'Uncertain: come back to it later', group: 'Decide' },
  { action: 'relabel', keys: ['L'], description: 'Relabel: pick the right species (stored as confirmed, the model’s label kept)', group: 'Decide' },
  { action: 'unreviewed', keys: ['0'], description: 'Undo the decision (back to unreviewed)', group: 'Decide' },
  { action: 'next', keys: ['S', '↓', 'J'], description: 'Skip to the next detection (every decision also moves on)', group: 'Move' },
  { action: 'previous', keys: ['↑', 'K'], description: 'Previous detection', group: 'Move' },
  { action: 'page-down', keys: ['PageDown'], description: 'A screen further', group: 'Move' },
  { action: 'page-up', keys: ['PageUp'], description: 'A screen back', group: 'Move' },
  { action: 'first', keys: ['Home'], description: 'First detection', group: 'Move' },
  { action: 'last', keys: ['End'], description: 'Last detection', group: 'Move' },
  { action: 'play', keys: ['Space', 'P'], description: 'Play the detection with its context again', group: 'Listen' },
  { action: 'help', keys: ['?'], description: 'Show or hide this list', group: 'Listen' },
]

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
}

const BY_KEY = new Map<string, ReviewAction>([
  ['c', 'confirm'],
  ['y', 'confirm'],
  ['x', 'reject'],
  ['n', 'reject'],
  ['u', 'uncertain'],
  ['l', 'relabel'],
  ['0', 'unreviewed'],
  ['s', 'next'],
  ['j', 'next'],
  ['arrowdown', 'next'],
  ['k', 'previous'],
  ['arrowup', 'previous'],
  ['pagedown', 'page-down'],
  ['pageup', 'page-up'],
  ['home', 'first'],
  ['end', 'last'],
  [' ', 'play'],
  ['p', 'play'],
  ['?', 'help'],
])

/** The action of a key press, or null (modifier shortcuts belong to the browser and the app). */
export function reviewActionFor(event: KeyLike): ReviewAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null
  return BY_KEY.get(event.key.toLowerCase()) ?? null
}

/** Key presses typed into a field are text, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false
  const el = target as HTMLElement
  if (el.isContentEditable) return true
  const tag = el.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag !== 'input') return false
  const type = (el as HTMLInputElement).type
  return !['checkbox', 'radio', 'range', 'button', 'submit'].includes(type)
}
