// What this build is and whether the main process is reachable.
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref } from 'vue'
import type { AppInfo } from '../../../src-shared/contracts'
import { api, transport, type TransportStatus } from '../api'

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const connection = ref<TransportStatus>('connecting')
  let stopWatchingConnection: (() => void) | null = null

  const nativeDialogs = computed(() => info.value?.capabilities.nativeDialogs ?? false)
  const isHost = computed(() => info.value?.shell === 'host')

  function watchConnection(): void {
    stopWatchingConnection ??= transport.onStatus((status) => {
      connection.value = status
    })
  }

  async function loadInfo(): Promise<void> {
    info.value = await api.app.info({})
  }

  function stop(): void {
    stopWatchingConnection?.()
    stopWatchingConnection = null
  }

  onScopeDispose(stop)

  return { info, connection, nativeDialogs, isHost, watchConnection, loadInfo, stop }
})
