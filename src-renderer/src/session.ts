// Starts what the app needs while it runs: the first loads, event subscriptions, reloading the
// jobs when another project opens, and catching up after the connection comes back. Returns the
// disposer that undoes all of it.
import { effectScope, watch } from 'vue'
import { useAppStore } from './stores/app'
import { useJobsStore } from './stores/jobs'
import { useProjectsStore } from './stores/projects'
import { useSettingsStore } from './stores/settings'
import { useToastsStore } from './stores/toasts'

export function startSession(): () => void {
  const app = useAppStore()
  const projects = useProjectsStore()
  const jobs = useJobsStore()
  const settings = useSettingsStore()
  const toasts = useToastsStore()
  const scope = effectScope()

  app.watchConnection()
  projects.listen()
  jobs.listen()

  async function loadAll(first: boolean): Promise<void> {
    await toasts.attempt('Could not reach the OpenBEATs main process', () =>
      Promise.all([app.loadInfo(), settings.load(), first ? projects.ensureLoaded() : projects.refresh()]),
    )
  }

  scope.run(() => {
    watch(
      () => projects.current?.dir ?? null,
      (dir, previous) => {
        if (dir === previous) return
        jobs.reset()
        if (dir) void toasts.attempt('Could not load the jobs', () => jobs.load())
      },
      { immediate: true },
    )

    // Events sent while the socket was down are lost: reload everything when it is back.
    let lost = false
    watch(
      () => app.connection,
      (status) => {
        if (status === 'closed') lost = true
        if (status === 'open' && lost) {
          lost = false
          void loadAll(false).then(() => (projects.current ? jobs.load().catch(() => undefined) : undefined))
        }
      },
      // Synchronous, so a drop and reconnect within one tick is still seen.
      { flush: 'sync' },
    )
  })

  void loadAll(true)

  return () => {
    scope.stop()
    app.stop()
    projects.stop()
    jobs.stop()
  }
}
