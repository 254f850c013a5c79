// One way for views to ask for a folder: the native dialog where the shell has one (Electron),
// otherwise the in-app browser over system.listDir (the browser host cannot see server paths).
import { api } from '../api'
import { useAppStore } from '../stores/app'
import { useFolderPickerStore, type FolderPickRequest } from '../stores/folder-picker'

export function useFolderPicker(): (request: FolderPickRequest) => Promise<string | null> {
  const app = useAppStore()
  const picker = useFolderPickerStore()
  return async (request) => {
    if (!app.nativeDialogs) return picker.pick({ ...request, startPath: request.startPath ?? picker.lastPath ?? undefined })
    // Native dialogs can make a new folder themselves, so the chosen folder is used as it is.
    return api.system.pickFolder({ title: request.title, defaultPath: request.startPath })
  }
}
