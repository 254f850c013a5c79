// Stores that hold one project's data empty themselves when another project (or none) opens, so
// nothing of the old one can show.
import { watch } from 'vue'
import { useProjectsStore } from './projects'

/** Calls `reset` each time the open project's folder changes; call it inside a store's setup. */
export function resetOnProjectSwitch(reset: () => void): void {
  watch(
    () => useProjectsStore().current?.dir ?? null,
    (dir, previous) => {
      if (dir !== previous) reset()
    },
  )
}
