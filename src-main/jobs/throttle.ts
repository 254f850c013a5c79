/**
 * Calls `fn` at most once per `intervalMs` with the latest value: the first call runs at once,
 * later ones within the interval are folded into one trailing call.
 */
export interface Throttled<T> {
  push(value: T): void
  /** Runs a pending trailing call now. */
  flush(): void
  cancel(): void
}

export function throttle<T>(fn: (value: T) => void, intervalMs: number): Throttled<T> {
  let last = -Infinity
  let pending: { value: T } | null = null
  let timer: NodeJS.Timeout | null = null

  const run = () => {
    timer = null
    if (!pending) return
    const { value } = pending
    pending = null
    last = Date.now()
    fn(value)
  }

  return {
    push(value) {
      pending = { value }
      const wait = last + intervalMs - Date.now()
      if (wait <= 0 && !timer) run()
      else if (!timer) timer = setTimeout(run, wait)
    },
    flush() {
      if (timer) clearTimeout(timer)
      run()
    },
    cancel() {
      if (timer) clearTimeout(timer)
      timer = null
      pending = null
    },
  }
}
