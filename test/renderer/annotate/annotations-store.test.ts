import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Annotation } from '../../../src-shared/contracts'
import { fake, ApiError } from '../helpers/fake-api'
import { deferred } from '../helpers/fixtures'
import { annotation } from './season-fixtures'
import { useAnnotationsStore } from '../../../src-renderer/src/stores/annotations'
import { useToastsStore } from '../../../src-renderer/src/stores/toasts'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

const fields = { labelId: 3, startS: 1, endS: 2, lowHz: null, highHz: null }

/** A fake main process keeping annotations of recording 12 in a map, ids counting up from 100. */
function serverWith(initial: Annotation[] = []) {
  const rows = new Map(initial.map((a) => [a.id, a]))
  let nextId = 100
  fake.api.annotations.list.mockImplementation(async () => [...rows.values()])
  fake.api.annotations.create.mockImplementation(async (req) => {
    const a = annotation({ ...req, id: nextId++, lowHz: req.lowHz ?? null, highHz: req.highHz ?? null, note: req.note ?? null })
    rows.set(a.id, a)
    return a
  })
  fake.api.annotations.update.mockImplementation(async ({ id, patch }) => {
    const a = rows.get(id)
    if (!a) throw new ApiError('NOT_FOUND', `annotation ${id} not found`)
    const next = { ...a, ...patch }
    rows.set(id, next)
    return next
  })
  fake.api.annotations.delete.mockImplementation(async ({ id }) => {
    const a = rows.get(id)
    if (!a) throw new ApiError('NOT_FOUND', `annotation ${id} not found`)
    rows.delete(id)
    return a
  })
  fake.api.annotations.restore.mockImplementation(async ({ annotation: a }) => {
    const back = { ...a, id: nextId++ }
    rows.set(back.id, back)
    return back
  })
  return rows
}

async function opened(initial: Annotation[] = []) {
  const rows = serverWith(initial)
  const store = useAnnotationsStore()
  await store.open(12)
  return { store, rows }
}

describe('annotations store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('shows a new annotation at once under a temporary id, then under the id the main process gave it', async () => {
    const { store, rows } = await opened()
    const answer = deferred<Annotation>()
    fake.api.annotations.create.mockReturnValueOnce(answer.promise)
    const temp = store.create(fields)
    expect(temp).toBeLessThan(0)
    expect(store.items.map((a) => a.id)).toEqual([temp])
    expect(store.selectedId).toBe(temp)
    expect(store.saving).toBe(true)
    answer.resolve(annotation({ id: 55 }))
    await store.settled()
    expect(store.items.map((a) => a.id)).toEqual([55])
    expect(store.selectedId).toBe(55)
    expect(store.saving).toBe(false)
    expect(rows.size).toBe(0) // the deferred answer stood in for the server
  })

  it('sends an edit made while the create is in flight to the new id', async () => {
    const { store, rows } = await opened()
    const temp = store.create(fields)
    store.update(temp, { labelId: 9 })
    await store.settled()
    expect(fake.api.annotations.update).toHaveBeenCalledWith({ id: 100, patch: { labelId: 9 } })
    expect(rows.get(100)?.labelId).toBe(9)
    expect(store.items).toEqual([expect.objectContaining({ id: 100, labelId: 9 })])
  })

  it('takes a refused create back off the screen and says why', async () => {
    const { store } = await opened()
    fake.api.annotations.create.mockRejectedValueOnce(new ApiError('INVALID_REQUEST', 'label 3 is not in this project'))
    store.create(fields)
    await store.settled()
    expect(store.items).toEqual([])
    expect(store.canUndo).toBe(false)
    expect(useToastsStore().toasts).toEqual([expect.objectContaining({ kind: 'error', title: 'The annotation was not saved', code: 'INVALID_REQUEST', message: 'label 3 is not in this project' })])
  })

  it('puts the old extent back when a move is refused', async () => {
    const { store } = await opened([annotation({ id: 7, startS: 1, endS: 2 })])
    fake.api.annotations.update.mockRejectedValueOnce(new ApiError('INTERNAL', 'disk full'))
    store.update(7, { startS: 5, endS: 6 })
    expect(store.items[0]).toMatchObject({ startS: 5, endS: 6 })
    await store.settled()
    expect(store.items[0]).toMatchObject({ startS: 1, endS: 2 })
    expect(useToastsStore().toasts[0]).toMatchObject({ title: 'The change was not saved', message: 'disk full' })
  })

  it('re-inserts an annotation whose delete was refused', async () => {
    const { store } = await opened([annotation({ id: 7 })])
    fake.api.annotations.delete.mockRejectedValueOnce(new ApiError('INTERNAL', 'locked'))
    store.remove(7)
    expect(store.items).toEqual([])
    await store.settled()
    expect(store.items.map((a) => a.id)).toEqual([7])
  })

  it('undoes and redoes a create, following the annotation to its new id', async () => {
    const { store, rows } = await opened()
    store.create(fields)
    await store.settled()
    expect(store.undo()).toBe('Create annotation')
    await store.settled()
    expect(store.items).toEqual([])
    expect(rows.size).toBe(0)
    expect(store.redo()).toBe('Create annotation')
    await store.settled()
    expect(store.items.map((a) => a.id)).toEqual([101])
    // Undo again targets the restored id, not the first one.
    store.undo()
    await store.settled()
    expect(fake.api.annotations.delete).toHaveBeenLastCalledWith({ id: 101 })
    expect(rows.size).toBe(0)
  })

  it('undoes a delete by restoring, then later edits reach the restored annotation', async () => {
    const { store, rows } = await opened([annotation({ id: 7, labelId: 3 })])
    store.update(7, { labelId: 4 })
    store.remove(7)
    await store.settled()
    store.undo() // delete → restored as 100
    await store.settled()
    expect(store.items.map((a) => [a.id, a.labelId])).toEqual([[100, 4]])
    store.undo() // label 4 → 3 on the restored annotation
    await store.settled()
    expect(fake.api.annotations.update).toHaveBeenLastCalledWith({ id: 100, patch: { labelId: 3 } })
    expect(rows.get(100)?.labelId).toBe(3)
    expect(store.canUndo).toBe(false)
    store.redo()
    store.redo()
    await store.settled()
    expect(rows.size).toBe(0)
    expect(store.items).toEqual([])
  })

  it('clears the redo stack when a new change is made', async () => {
    const { store } = await opened([annotation({ id: 7 })])
    store.update(7, { endS: 3 })
    store.undo()
    expect(store.canRedo).toBe(true)
    store.update(7, { endS: 4 })
    expect(store.canRedo).toBe(false)
    await store.settled()
  })

  it('keeps an undone change on the undo stack when the undo is refused', async () => {
    const { store } = await opened([annotation({ id: 7, endS: 2 })])
    store.update(7, { endS: 3 })
    await store.settled()
    fake.api.annotations.update.mockRejectedValueOnce(new ApiError('INTERNAL', 'busy'))
    store.undo()
    expect(store.items[0].endS).toBe(2)
    await store.settled()
    expect(store.items[0].endS).toBe(3)
    expect(store.canUndo).toBe(true)
    expect(store.canRedo).toBe(false)
  })

  it('walks annotations by start time with wrap-around', async () => {
    const { store } = await opened([annotation({ id: 1, startS: 9, endS: 10 }), annotation({ id: 2, startS: 1, endS: 2 }), annotation({ id: 3, startS: 4, endS: 5 })])
    expect(store.selectNext(1)?.id).toBe(2)
    expect(store.selectNext(1)?.id).toBe(3)
    expect(store.selectNext(1)?.id).toBe(1)
    expect(store.selectNext(1)?.id).toBe(2)
    expect(store.selectNext(-1)?.id).toBe(1)
  })

  it('reloads on annotations.changed for its recording, after its own saves are answered', async () => {
    const { store, rows } = await opened()
    store.listen()
    const answer = deferred<Annotation>()
    fake.api.annotations.create.mockReturnValueOnce(answer.promise)
    store.create(fields)
    rows.set(300, annotation({ id: 300, startS: 20, endS: 21 }))
    fake.emit('annotations.changed', { recordingId: 12 })
    fake.emit('annotations.changed', { recordingId: 99 })
    expect(fake.api.annotations.list).toHaveBeenCalledTimes(1)
    answer.resolve(annotation({ id: 55 }))
    rows.set(55, annotation({ id: 55 }))
    await store.settled()
    await vi.waitFor(() => expect(fake.api.annotations.list).toHaveBeenCalledTimes(2))
    await vi.waitFor(() => expect(store.sorted.map((a) => a.id)).toEqual([55, 300]))
    store.stop()
    expect(fake.listenerCount('annotations.changed')).toBe(0)
  })

  it('Delete then Ctrl+Z before the delete was sent: the old row is deleted, one copy comes back, and a list fetched before both is not shown', async () => {
    const { store, rows } = await opened([annotation({ id: 7, startS: 1, endS: 2 }), annotation({ id: 8, startS: 5, endS: 6 })])
    store.listen()
    // Another window's change starts a reload; its answer is computed now, before the delete...
    const stale = deferred<Annotation[]>()
    const before = [...rows.values()]
    fake.api.annotations.list.mockReturnValueOnce(stale.promise)
    fake.emit('annotations.changed', { recordingId: 12 })
    // ...and arrives after the delete and the undo that restores 7 as 100.
    store.remove(7)
    store.undo()
    stale.resolve(before)
    await store.settled()
    await vi.waitFor(() => expect(fake.api.annotations.list).toHaveBeenCalledTimes(3))
    await vi.waitFor(() => expect(store.sorted.map((a) => a.id)).toEqual([100, 8]))
    expect(fake.api.annotations.delete).toHaveBeenCalledWith({ id: 7 })
    expect([...rows.keys()].sort()).toEqual([100, 8])
    expect(useToastsStore().toasts).toEqual([])
    store.stop()
  })

  it('delete, undo, redo, undo in quick succession ends with one copy, on the screen and in the project', async () => {
    const { store, rows } = await opened([annotation({ id: 7, labelId: 3 })])
    store.remove(7)
    store.undo() // restored as 100
    store.redo() // 100 deleted again
    store.undo() // restored as 101
    expect(store.items).toHaveLength(1)
    await store.settled()
    expect(fake.api.annotations.delete.mock.calls).toEqual([[{ id: 7 }], [{ id: 100 }]])
    expect([...rows.keys()]).toEqual([101])
    expect(store.items.map((a) => [a.id, a.labelId])).toEqual([[101, 3]])
    expect(useToastsStore().toasts).toEqual([])
  })

  it('forgets the previous recording and its history when another opens', async () => {
    const { store } = await opened([annotation({ id: 7 })])
    store.update(7, { endS: 3 })
    await store.settled()
    fake.api.annotations.list.mockResolvedValueOnce([annotation({ id: 8, recordingId: 13 })])
    await store.open(13)
    expect(store.items.map((a) => a.id)).toEqual([8])
    expect(store.canUndo).toBe(false)
  })
})
