import { expect, it } from 'vitest'
import { WindowPooler, type WindowEmbedding } from '../../../src-main/model/embed/window-pooler'

function pool(patches: number, win: number, hop: number): WindowEmbedding[] {
  const out: WindowEmbedding[] = []
  const pooler = new WindowPooler(win, hop, 2, (w) => out.push(w))
  for (let t = 0; t < patches; t++) pooler.push(t, Float32Array.from([t, 1]))
  pooler.finish()
  return out
}

it('puts a time patch into every window that holds its centre (0.16·t + 0.0875 s)', () => {
  const windows = pool(20, 1, 0.5) // centres 0.0875 … 3.1275 s
  expect(windows.map((w) => [w.index, w.startSeconds, w.endSeconds, w.firstPatch, w.timePatches])).toEqual([
    [0, 0, 1, 0, 6], // t = 0…5
    [1, 0.5, 1.5, 3, 6], // t = 3…8 (0.5675 … 1.3675)
    [2, 1, 2, 6, 6], // t = 6…11
    [3, 1.5, 2.5, 9, 7], // t = 9…15 (1.5275 … 2.4875)
    [4, 2, 3, 12, 7], // t = 12…18 (2.0075 … 2.9675)
    [5, 2.5, 3.5, 16, 4], // t = 16…19, the recording ends inside
    [6, 3, 4, 19, 1], // only t = 19 (3.1275 s)
  ])
})

it('averages the frame embeddings of its patches', () => {
  const [w0, w1] = pool(20, 1, 0.5)
  expect(Array.from(w0.embedding)).toEqual([2.5, 1]) // mean of 0…5
  expect(Array.from(w1.embedding)).toEqual([5.5, 1]) // mean of 3…8
})

it('handles windows shorter than the patch hop and hops longer than the window', () => {
  const short = pool(10, 0.1, 0.1) // 0.1 s windows hold one centre at most; empty ones are not emitted
  expect(short.map((w) => [w.index, w.firstPatch, w.timePatches])).toEqual([0, 2, 4, 5, 7, 8, 10, 12, 13, 15].map((w, t) => [w, t, 1]))
  const sparse = pool(13, 0.5, 1) // [0,0.5), [1,1.5), [2,2.5): gaps between windows
  expect(sparse.map((w) => [w.index, w.firstPatch, w.timePatches])).toEqual([
    [0, 0, 3],
    [1, 6, 3],
    [2, 12, 1],
  ])
})
