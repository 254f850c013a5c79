// The annotate workspace's keyboard: one window listener, matched against the shortcut table,
// quiet while the user types in a field or a dialog is open, removed with the scope.
import { onScopeDispose, type Ref } from 'vue'
import { isTypingTarget, matchShortcut, type AnnotateAction } from '../components/annotate/keymap'

export interface ShortcutContext {
  shift: boolean
}

export function useAnnotateShortcuts(
  handle: (action: AnnotateAction, ctx: ShortcutContext) => void,
  opts: { enabled: Ref<boolean>; workspace: Ref<HTMLElement | null> },
): () => void {
  function onKeydown(e: KeyboardEvent): void {
    if (!opts.enabled.value || e.defaultPrevented || isTypingTarget(e.target)) return
    const action = matchShortcut(e)
    if (!action) return
    // Tab moves between annotations only when focus is not on a control of the page.
    if (e.key === 'Tab') {
      const active = document.activeElement
      const onPage = active && active !== document.body && active !== opts.workspace.value
      if (onPage) return
    }
    // Space and arrows would scroll the page; Tab would move focus.
    e.preventDefault()
    handle(action, { shift: e.shiftKey })
  }
  window.addEventListener('keydown', onKeydown)
  const dispose = () => window.removeEventListener('keydown', onKeydown)
  onScopeDispose(dispose)
  return dispose
}
