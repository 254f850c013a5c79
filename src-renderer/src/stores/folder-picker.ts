// The in-app folder browser dialog (used where no native dialog exists: the browser host).
// A view asks for a folder and awaits the answer; the one dialog in the app frame shows the request.
import { defineStore } from 'pinia'
import { ref } from 'vue'

export type FolderPickMode =
  /** Choose a project folder to open. */
  | 'open-project'
  /** Choose where a new folder is created: a parent plus a new name. */
  | 'create'
  /** Choose any existing folder. */
  | 'choose'

export interface FolderPickRequest {
  title: string
  mode: FolderPickMode
  startPath?: string
  /** Pre-filled new folder name in 'create' mode. */
  suggestedName?: string
}

export const useFolderPickerStore = defineStore('folderPicker', () => {
  const request = ref<FolderPickRequest | null>(null)
  /** Where the browser was last, so the next dialog opens there. */
  const lastPath = ref<string | null>(null)
  let answer: ((path: string | null) => void) | null = null

  function pick(next: FolderPickRequest): Promise<string | null> {
    answer?.(null)
    request.value = next
    return new Promise((resolve) => {
      answer = resolve
    })
  }

  function settle(path: string | null): void {
    const resolve = answer
    answer = null
    request.value = null
    resolve?.(path)
  }

  function remember(path: string): void {
    lastPath.value = path
  }

  return { request, lastPath, pick, settle, remember }
})
