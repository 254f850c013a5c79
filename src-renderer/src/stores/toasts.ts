// Transient messages in the corner: errors from the main process (code + message) and short
// confirmations. Actions in views go through `attempt`, so every failure is shown the same way.
import { defineStore } from 'pinia'
import { onScopeDispose, ref } from 'vue'
import { ApiError } from '../api'

export type ToastKind = 'error' | 'success' | 'info'

export interface Toast {
  id: number
  kind: ToastKind
  title: string
  message: string
  /** The error code from the main process, for errors that came through the api. */
  code: string | null
}

const LIFETIME_MS: Record<ToastKind, number> = { error: 15_000, success: 4_000, info: 6_000 }
const MAX_TOASTS = 5

/** Code and message of anything thrown: ApiError keeps its code; other errors have none. */
export function describeError(error: unknown): { code: string | null; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message }
  if (error instanceof Error) return { code: null, message: error.message }
  return { code: null, message: String(error) }
}

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([])
  const timers = new Map<number, ReturnType<typeof setTimeout>>()
  let nextId = 1

  function dismiss(id: number): void {
    const timer = timers.get(id)
    if (timer) clearTimeout(timer)
    timers.delete(id)
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  function schedule(toast: Toast): void {
    timers.set(toast.id, setTimeout(() => dismiss(toast.id), LIFETIME_MS[toast.kind]))
  }

  function push(kind: ToastKind, title: string, message = '', code: string | null = null): number {
    const toast: Toast = { id: nextId++, kind, title, message, code }
    toasts.value = [...toasts.value, toast]
    while (toasts.value.length > MAX_TOASTS) dismiss(toasts.value[0].id)
    schedule(toast)
    return toast.id
  }

  /** Keeps a toast on screen while the pointer is over it (people read errors slowly). */
  function hold(id: number): void {
    const timer = timers.get(id)
    if (timer) clearTimeout(timer)
    timers.delete(id)
  }

  function release(id: number): void {
    const toast = toasts.value.find((t) => t.id === id)
    if (toast && !timers.has(id)) schedule(toast)
  }

  function reportError(error: unknown, title: string): void {
    const { code, message } = describeError(error)
    push('error', title, message, code)
  }

  /** Runs an action; on failure shows `failureTitle` with the error and resolves undefined. */
  async function attempt<T>(failureTitle: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action()
    } catch (error) {
      reportError(error, failureTitle)
      return undefined
    }
  }

  onScopeDispose(() => {
    for (const timer of timers.values()) clearTimeout(timer)
    timers.clear()
  })

  return { toasts, push, dismiss, hold, release, reportError, attempt }
})
