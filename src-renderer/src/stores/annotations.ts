// Annotations of the recording open in Annotate. Every change shows at once and is saved at once;
// the main process's answer replaces the optimistic copy, and a refusal puts the old state back
// with a toast. Saves run one after another, so an edit made while its create is still in flight
// goes to the id the create returns. Undo/redo replays inverse changes through the same path.
//
// Ids change under undo (a deleted annotation comes back with a new id), so history entries hold
// a stable key, and the key points at the row shown for it now. A save holds on to the row it was
// queued for: a delete still waiting in line when Ctrl+Z brings the annotation back deletes the
// old row, not the one the undo restores.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Annotation } from '../../../src-shared/contracts'
import { api } from '../api'
import { resetOnProjectSwitch } from './project-switch'
import { useToastsStore } from './toasts'

export interface AnnotationFields {
  labelId: number
  startS: number
  endS: number
  lowHz: number | null
  highHz: number | null
  note?: string | null
}

export type AnnotationPatch = Partial<Omit<AnnotationFields, 'note'>> & { note?: string | null }

type Command =
  | { kind: 'create'; key: number; label: string; snapshot: Annotation | null }
  | { kind: 'update'; key: number; label: string; before: AnnotationPatch; after: AnnotationPatch }
  | { kind: 'delete'; key: number; label: string; snapshot: Annotation }

const HISTORY_LIMIT = 200

function pick(a: Annotation, patch: AnnotationPatch): AnnotationPatch {
  const out: AnnotationPatch = {}
  for (const k of Object.keys(patch) as (keyof AnnotationPatch)[]) (out as Record<string, unknown>)[k] = a[k]
  return out
}

export const useAnnotationsStore = defineStore('annotations', () => {
  const toasts = useToastsStore()
  const recordingId = ref<number | null>(null)
  const items = ref<Annotation[]>([])
  const loaded = ref(false)
  const selectedId = ref<number | null>(null)
  // Shallow: commands are compared by identity, and reactive proxies would not be.
  const undoStack = shallowRef<Command[]>([])
  const redoStack = shallowRef<Command[]>([])
  const pending = ref(0)
  let generation = 0
  let nextTempId = -1
  let chain: Promise<unknown> = Promise.resolve()
  let staleWhileBusy = false
  /** Saves started so far: a list fetched across one of them no longer says what is there. */
  let savesStarted = 0
  let stopListening: (() => void) | null = null
  // key → the row shown for it now; id → that row and its key. A row's id changes once, when
  // its create or restore is answered.
  const rowByKey = new Map<number, { id: number }>()
  const rowById = new Map<number, { id: number }>()
  const keyById = new Map<number, number>()

  /** Sorted by start: the order Tab walks through. */
  const sorted = computed(() => [...items.value].sort((a, b) => a.startS - b.startS || a.endS - b.endS || a.id - b.id))
  const selected = computed(() => items.value.find((a) => a.id === selectedId.value) ?? null)
  const canUndo = computed(() => undoStack.value.length > 0)
  const canRedo = computed(() => redoStack.value.length > 0)
  const saving = computed(() => pending.value > 0)

  /** Shows a row under `key` (a new one, or one an undo brings back). */
  function track(key: number, id: number): { id: number } {
    const row = { id }
    rowByKey.set(key, row)
    rowById.set(id, row)
    keyById.set(id, key)
    return row
  }

  function keyOf(id: number): number {
    const k = keyById.get(id)
    if (k !== undefined) return k
    track(id, id)
    return id
  }

  /** The row shown for a key now (saves capture it when they are queued). */
  function rowOf(key: number): { id: number } {
    return rowByKey.get(key) ?? track(key, key)
  }

  function rekey(oldId: number, next: Annotation): void {
    const key = keyOf(oldId)
    const row = rowById.get(oldId) ?? rowOf(key)
    rowById.delete(oldId)
    keyById.delete(oldId)
    row.id = next.id
    rowById.set(next.id, row)
    keyById.set(next.id, key)
    // A list fetched meanwhile may already hold the saved row: one copy, not two.
    items.value = items.value.some((a) => a.id === next.id) ? items.value.filter((a) => a.id !== oldId).map((a) => (a.id === next.id ? next : a)) : items.value.map((a) => (a.id === oldId ? next : a))
    if (selectedId.value === oldId) selectedId.value = next.id
  }

  function put(a: Annotation): void {
    items.value = items.value.some((x) => x.id === a.id) ? items.value.map((x) => (x.id === a.id ? a : x)) : [...items.value, a]
  }

  function drop(id: number): void {
    items.value = items.value.filter((a) => a.id !== id)
    if (selectedId.value === id) selectedId.value = null
  }

  /** An answer for an annotation that is no longer shown (deleted meanwhile) is not brought back. */
  function replace(a: Annotation): void {
    items.value = items.value.map((x) => (x.id === a.id ? a : x))
  }

  function patchLocal(id: number, patch: AnnotationPatch): void {
    items.value = items.value.map((a) => (a.id === id ? { ...a, ...patch } : a))
  }

  /** Runs saves in order; the optimistic change was applied by the caller. */
  function save<T>(work: () => Promise<T>, rollback: () => void, failureTitle: string): Promise<T | undefined> {
    pending.value += 1
    savesStarted += 1
    const mine = generation
    const run = chain.then(work).then(
      (value) => value,
      (error: unknown) => {
        if (mine === generation) {
          rollback()
          toasts.reportError(error, failureTitle)
        }
        return undefined
      },
    )
    chain = run
    void run.finally(() => {
      pending.value -= 1
      if (pending.value === 0 && staleWhileBusy) {
        staleWhileBusy = false
        void refresh()
      }
    })
    return run
  }

  function record(command: Command): void {
    undoStack.value = [...undoStack.value, command].slice(-HISTORY_LIMIT)
    redoStack.value = []
  }

  function forget(command: Command): void {
    undoStack.value = undoStack.value.filter((c) => c !== command)
    redoStack.value = redoStack.value.filter((c) => c !== command)
  }

  async function open(id: number): Promise<void> {
    if (recordingId.value !== id) {
      generation += 1
      recordingId.value = id
      items.value = []
      loaded.value = false
      selectedId.value = null
      undoStack.value = []
      redoStack.value = []
      rowByKey.clear()
      rowById.clear()
      keyById.clear()
    }
    await refresh()
  }

  async function refresh(): Promise<void> {
    const id = recordingId.value
    if (id === null) return
    const mine = generation
    const savesBefore = savesStarted
    const list = await api.annotations.list({ recordingId: id })
    if (mine !== generation || recordingId.value !== id) return
    // A change made while the list was on its way may not be in it, and showing the list would
    // undo it on screen (a deleted annotation back, beside the copy an undo restores). Fetch
    // again once every save is answered.
    if (savesStarted !== savesBefore) {
      if (pending.value > 0) staleWhileBusy = true
      else await refresh()
      return
    }
    // Temporary ones are still being created: keep them until their answer comes.
    items.value = [...list, ...items.value.filter((a) => a.id < 0)]
    if (selectedId.value !== null && !items.value.some((a) => a.id === selectedId.value)) selectedId.value = null
    loaded.value = true
  }

  function close(): void {
    generation += 1
    recordingId.value = null
    items.value = []
    loaded.value = false
    selectedId.value = null
    undoStack.value = []
    redoStack.value = []
  }

  function select(id: number | null): void {
    selectedId.value = id
  }

  /** Tab / ]: the next annotation by start time (wrapping), or the first. */
  function selectNext(direction: 1 | -1): Annotation | null {
    const list = sorted.value
    if (list.length === 0) return null
    const at = list.findIndex((a) => a.id === selectedId.value)
    const next = at < 0 ? (direction > 0 ? 0 : list.length - 1) : (at + direction + list.length) % list.length
    selectedId.value = list[next].id
    return list[next]
  }

  function create(fields: AnnotationFields, label = 'Create annotation'): number {
    const recording = recordingId.value
    if (recording === null) throw new Error('no recording is open')
    const now = new Date().toISOString()
    const temp: Annotation = { id: nextTempId--, recordingId: recording, source: 'manual', author: null, modelId: null, createdAt: now, updatedAt: now, ...fields, note: fields.note ?? null }
    put(temp)
    selectedId.value = temp.id
    const key = keyOf(temp.id)
    const row = rowOf(key)
    const command: Command = { kind: 'create', key, label, snapshot: null }
    record(command)
    void save(
      async () => rekey(row.id, await api.annotations.create({ recordingId: recording, ...fields })),
      () => {
        drop(row.id)
        forget(command)
      },
      'The annotation was not saved',
    )
    return temp.id
  }

  function update(id: number, patch: AnnotationPatch, label = 'Edit annotation'): void {
    const current = items.value.find((a) => a.id === id)
    if (!current) return
    const before = pick(current, patch)
    const key = keyOf(id)
    const row = rowOf(key)
    patchLocal(id, patch)
    const command: Command = { kind: 'update', key, label, before, after: patch }
    record(command)
    void save(
      async () => replace(await api.annotations.update({ id: row.id, patch })),
      () => {
        patchLocal(row.id, before)
        forget(command)
      },
      'The change was not saved',
    )
  }

  function remove(id: number, label = 'Delete annotation'): void {
    const current = items.value.find((a) => a.id === id)
    if (!current) return
    const key = keyOf(id)
    const row = rowOf(key)
    drop(id)
    const command: Command = { kind: 'delete', key, label, snapshot: current }
    record(command)
    void save(
      async () => {
        command.snapshot = await api.annotations.delete({ id: row.id })
      },
      () => {
        put(current)
        forget(command)
      },
      'The annotation was not deleted',
    )
  }

  /** Puts a deleted annotation back (it gets a new id); the key follows it. */
  function restoreLocal(command: Command & { snapshot: Annotation }, onFail: () => void, title: string): void {
    const snapshot = command.snapshot
    const placeholder = { ...snapshot, id: nextTempId-- }
    // A new row for the key: saves queued for the deleted one still go to it.
    const row = track(command.key, placeholder.id)
    put(placeholder)
    // What comes back is what the user is looking at next.
    selectedId.value = placeholder.id
    void save(
      async () => {
        const restored = await api.annotations.restore({ annotation: snapshot })
        rekey(row.id, restored)
      },
      () => {
        drop(row.id)
        onFail()
      },
      title,
    )
  }

  function removeLocal(command: Command, onFail: (snapshot: Annotation) => void, title: string): void {
    const row = rowOf(command.key)
    const current = items.value.find((a) => a.id === row.id)
    if (!current) return
    drop(row.id)
    void save(
      async () => {
        const deleted = await api.annotations.delete({ id: row.id })
        if (command.kind !== 'update') command.snapshot = deleted
      },
      () => {
        put(current)
        onFail(current)
      },
      title,
    )
  }

  function applyPatch(command: Command & { kind: 'update' }, patch: AnnotationPatch, revert: AnnotationPatch, onFail: () => void, title: string): void {
    const row = rowOf(command.key)
    patchLocal(row.id, patch)
    void save(
      async () => replace(await api.annotations.update({ id: row.id, patch })),
      () => {
        patchLocal(row.id, revert)
        onFail()
      },
      title,
    )
  }

  function moveBack(command: Command, from: typeof undoStack, to: typeof undoStack): void {
    to.value = to.value.filter((c) => c !== command)
    from.value = [...from.value, command]
  }

  /** Undoes the last change; returns what it was called ("Delete annotation"), or null. */
  function undo(): string | null {
    const command = undoStack.value[undoStack.value.length - 1]
    if (!command) return null
    undoStack.value = undoStack.value.slice(0, -1)
    redoStack.value = [...redoStack.value, command]
    const failed = () => moveBack(command, undoStack, redoStack)
    if (command.kind === 'create') removeLocal(command, failed, 'Undo failed')
    else if (command.kind === 'update') applyPatch(command, command.before, command.after, failed, 'Undo failed')
    else restoreLocal(command, failed, 'Undo failed')
    return command.label
  }

  function redo(): string | null {
    const command = redoStack.value[redoStack.value.length - 1]
    if (!command) return null
    redoStack.value = redoStack.value.slice(0, -1)
    undoStack.value = [...undoStack.value, command]
    const failed = () => moveBack(command, redoStack, undoStack)
    if (command.kind === 'create') {
      if (command.snapshot) restoreLocal({ ...command, snapshot: command.snapshot }, failed, 'Redo failed')
    } else if (command.kind === 'update') applyPatch(command, command.after, command.before, failed, 'Redo failed')
    else removeLocal(command, failed, 'Redo failed')
    return command.label
  }

  /** Resolves when every save so far has been answered. */
  function settled(): Promise<void> {
    return chain.then(() => undefined)
  }

  function listen(): void {
    stopListening ??= api.on('annotations.changed', ({ recordingId: changed }) => {
      if (recordingId.value === null || (changed !== null && changed !== recordingId.value)) return
      // Our own saves announce themselves too; reload once they are all answered.
      if (pending.value > 0) staleWhileBusy = true
      else void refresh().catch(() => undefined)
    })
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  resetOnProjectSwitch(close)

  return {
    recordingId, items, loaded, selectedId, sorted, selected, undoStack, redoStack, canUndo, canRedo, saving,
    open, refresh, close, select, selectNext, create, update, remove, undo, redo, settled, listen, stop,
  }
})
