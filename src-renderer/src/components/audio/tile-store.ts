// Spectrogram tiles already fetched, kept in memory (least recently used dropped first), with one
// request per tile however many frames ask for it.

export interface TileKey {
  fftSize: number
  level: number
  tile: number
}

type Fetcher = (key: TileKey, signal: AbortSignal) => Promise<Uint8Array>

function keyOf(k: TileKey): string {
  return `${k.fftSize}/${k.level}/${k.tile}`
}

export class TileStore {
  private readonly tiles = new Map<string, Uint8Array>()
  private readonly pending = new Map<string, Promise<Uint8Array>>()
  private readonly controller = new AbortController()

  constructor(
    private readonly fetchTile: Fetcher,
    private readonly capacity = 400,
  ) {}

  get(key: TileKey): Uint8Array | undefined {
    const id = keyOf(key)
    const tile = this.tiles.get(id)
    if (tile) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.tiles.delete(id)
      this.tiles.set(id, tile)
    }
    return tile
  }

  has(key: TileKey): boolean {
    return this.tiles.has(keyOf(key))
  }

  request(key: TileKey): Promise<Uint8Array> {
    const id = keyOf(key)
    const have = this.tiles.get(id)
    if (have) return Promise.resolve(have)
    const inFlight = this.pending.get(id)
    if (inFlight) return inFlight
    const promise = this.fetchTile(key, this.controller.signal).then(
      (tile) => {
        this.pending.delete(id)
        this.tiles.set(id, tile)
        while (this.tiles.size > this.capacity) this.tiles.delete(this.tiles.keys().next().value as string)
        return tile
      },
      (err: unknown) => {
        this.pending.delete(id)
        throw err
      },
    )
    this.pending.set(id, promise)
    return promise
  }

  get size(): number {
    return this.tiles.size
  }

  /** Cancels what is in flight and forgets everything. */
  dispose(): void {
    this.controller.abort()
    this.tiles.clear()
    this.pending.clear()
  }
}
