import { describe, expect, it, vi } from 'vitest'
import { colorTable } from '../../../src-renderer/src/components/audio/colormaps'
import { TileStore } from '../../../src-renderer/src/components/audio/tile-store'

describe('colour tables', () => {
  it('maps the chosen dB range onto the whole map and clamps outside it', () => {
    // value v is v/2 − 120 dB: −100 dB is v = 40, −20 dB is v = 200.
    const lut = colorTable('gray', -100, -20, -120, 0.5)
    expect([...lut.slice(0, 4)]).toEqual([0, 0, 0, 255])
    expect(lut[40 * 4]).toBe(0)
    expect(lut[120 * 4]).toBe(128)
    expect(lut[200 * 4]).toBe(255)
    expect(lut[255 * 4]).toBe(255)
    const inverted = colorTable('gray-inverted', -100, -20, -120, 0.5)
    expect(inverted[0]).toBe(255)
    expect(inverted[255 * 4]).toBe(0)
  })
})

describe('tile store', () => {
  const key = (tile: number) => ({ fftSize: 512, level: 0, tile })

  it('asks once for a tile however often it is requested, and keeps it', async () => {
    const fetchTile = vi.fn(async (k: { tile: number }) => Uint8Array.of(k.tile))
    const store = new TileStore(fetchTile)
    const [a, b] = await Promise.all([store.request(key(3)), store.request(key(3))])
    expect(a).toBe(b)
    expect(fetchTile).toHaveBeenCalledTimes(1)
    expect(store.get(key(3))).toEqual(Uint8Array.of(3))
    await store.request(key(3))
    expect(fetchTile).toHaveBeenCalledTimes(1)
  })

  it('forgets the least recently used tile beyond its capacity', async () => {
    const store = new TileStore(async (k) => Uint8Array.of(k.tile), 2)
    await store.request(key(1))
    await store.request(key(2))
    store.get(key(1))
    await store.request(key(3))
    expect([store.has(key(1)), store.has(key(2)), store.has(key(3))]).toEqual([true, false, true])
  })

  it('tries again after a failed fetch, and cancels what is in flight when disposed', async () => {
    let signal: AbortSignal | null = null
    const fetchTile = vi.fn(async (_k: unknown, s: AbortSignal) => {
      signal = s
      throw new Error('503')
    })
    const store = new TileStore(fetchTile)
    await expect(store.request(key(1))).rejects.toThrow('503')
    await expect(store.request(key(1))).rejects.toThrow('503')
    expect(fetchTile).toHaveBeenCalledTimes(2)
    store.dispose()
    expect(signal!.aborted).toBe(true)
    expect(store.size).toBe(0)
  })
})
