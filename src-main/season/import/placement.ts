// Where a recording belongs: its site and deployment, inferred from the folders between the import
// root and the file, and from the recorder serial in its metadata. The rule:
//
//   1. Folders a recorder or its software makes are not places and are left out: date folders
//      (AudioMoth daily folders `20240603`, `2024-06-03`, `2024_06_03`) and generic names
//      (`Data`, `Audio`, `WAV`, `Recordings`, `Raw` …).
//   2. Two or more folders left: the last is the deployment, the one before it the site
//      (`<…>/<site>/<deployment>/files`; anything above the site is ignored).
//   3. One folder left: it is the site; the deployment is the recorder serial when the metadata
//      gives one, else the folder again (`<site>/files`).
//   4. No folder left (files directly in the import root): the root's name is the site; the
//      deployment is the serial, else the root's name.
//   5. Under rules 3 and 4, a file that names no recorder (a quarantined one, a file without
//      metadata) joins the recorder deployment its folder's other files went to, when they all
//      went to the same one.
//
// Sites and deployments are found again by the name they were inferred under (kept apart from
// their display name, which the user may change), so re-importing after a rename adds to the
// renamed ones. Everything is editable later (recordings.updateSite / updateDeployment).
import { basename, relative, sep } from 'node:path'

export interface Placement {
  site: string
  deployment: string
  /** True when the deployment was named after the recorder serial. */
  bySerial: boolean
  /** True when fewer than two folders name the place, so the serial would decide the deployment. */
  byFolderOnly: boolean
}

const DATE_FOLDER = /^(?:\d{8}|\d{4}[-_]\d{2}[-_]\d{2})$/
const GENERIC_FOLDERS = new Set(['data', 'audio', 'wav', 'wavs', 'flac', 'recordings', 'recording', 'raw', 'sounds', 'sd card', 'sdcard'])

function isRecorderFolder(name: string): boolean {
  return DATE_FOLDER.test(name) || GENERIC_FOLDERS.has(name.toLowerCase())
}

/** `root` and `path` are absolute; `path` lies under `root`. */
export function placeRecording(root: string, path: string, serial: string | undefined): Placement {
  const folders = relative(root, path).split(sep).slice(0, -1).filter((f) => f !== '' && f !== '..')
  const places = folders.filter((f) => !isRecorderFolder(f))
  if (places.length >= 2) return { site: places[places.length - 2], deployment: places[places.length - 1], bySerial: false, byFolderOnly: false }
  const site = places[0] ?? (basename(root) || root)
  return serial ? { site, deployment: serial, bySerial: true, byFolderOnly: false } : { site, deployment: site, bySerial: false, byFolderOnly: true }
}
