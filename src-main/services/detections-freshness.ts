// Caches of query answers (counts, facets, statistics) that stay right while the detections change
// under them: another connection's commit (a worker writing detections) moves SQLite's
// data_version, and writes through this connection (reviews, in-process services) call bump().
import type { Database } from 'better-sqlite3'

export class DataFreshness {
  private local = 0

  constructor(private readonly db: Database) {}

  /** Differs from every earlier stamp once anything may have changed. */
  stamp(): string {
    return `${this.db.pragma('data_version', { simple: true }) as number}:${this.local}`
  }

  bump(): void {
    this.local += 1
  }
}

/** The part of a stamp that only other connections move. */
function committedPart(stamp: string): string {
  return stamp.slice(0, stamp.indexOf(':'))
}

/** A small map of answers by key, each valid for the freshness stamp it was computed under. */
export class FreshCache<V> {
  private readonly entries = new Map<string, { stamp: string; value: V }>()

  constructor(
    private readonly freshness: DataFreshness,
    private readonly capacity = 64,
  ) {}

  get(key: string, compute: () => V): V {
    const stamp = this.freshness.stamp()
    const hit = this.entries.get(key)
    if (hit && hit.stamp === stamp) {
      // Most recently used last, so the oldest is evicted first.
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit.value
    }
    const value = compute()
    this.entries.delete(key)
    this.entries.set(key, { stamp, value })
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
    return value
  }

  /**
   * After a write of our own that was stamped `before`: entries valid at `before` for which
   * `keep` says the write changed nothing (or which `keep` updated in place) stay valid; the
   * others are dropped. Nothing is kept if another connection committed meanwhile.
   */
  carry(before: string, keep: (key: string, value: V) => boolean): void {
    const now = this.freshness.stamp()
    const othersWrote = committedPart(now) !== committedPart(before)
    for (const [key, entry] of [...this.entries]) {
      if (entry.stamp !== before) continue
      if (!othersWrote && keep(key, entry.value)) entry.stamp = now
      else this.entries.delete(key)
    }
  }
}
