// App-level domain: what this build is and can do, user settings, and the file-system helpers a
// browser-hosted UI needs (it cannot pick server paths itself).
import { z } from 'zod'
import { method } from './define'
import { Empty, FsPath } from './common'

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  /** 'electron' = desktop app; 'host' = `npm run serve` in a browser. */
  shell: z.enum(['electron', 'host']),
  capabilities: z.object({
    /** A native folder picker exists (Electron); otherwise use system.listDir. */
    nativeDialogs: z.boolean(),
  }),
  dataDir: z.string(),
})
export type AppInfo = z.infer<typeof AppInfo>

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  /** Intra-op threads for the inference engine; null = engine default. */
  inferenceThreads: z.number().int().min(1).max(256).nullable(),
  executionProvider: z.enum(['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu']),
  /** Python used for GPU training jobs; null = /usr/bin/python3 where it exists, else python3 (python on Windows) on PATH. */
  pythonPath: FsPath.nullable(),
})
export type Settings = z.infer<typeof Settings>

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  inferenceThreads: null,
  executionProvider: 'auto',
  pythonPath: null,
}

export const DirEntry = z.object({
  name: z.string(),
  path: z.string(),
  isDir: z.boolean(),
  /** True when the folder is an OpenBEATs project (has project.sqlite). */
  isProject: z.boolean(),
})
export type DirEntry = z.infer<typeof DirEntry>

export const DirListing = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(DirEntry),
})
export type DirListing = z.infer<typeof DirListing>

export const appContract = {
  info: method(Empty, AppInfo),
}

export const settingsContract = {
  get: method(Empty, Settings),
  update: method(Settings.partial().strict(), Settings),
}

export const systemContract = {
  /** Native folder dialog (Electron only; the host answers UNSUPPORTED). Null when cancelled. */
  pickFolder: method(z.object({ title: z.string().max(200).optional(), defaultPath: FsPath.optional() }).strict(), z.string().nullable()),
  /** Server-side folder browser for the host (and a fallback in Electron). Folders first. */
  listDir: method(z.object({ path: FsPath.optional(), showFiles: z.boolean().optional() }).strict(), DirListing),
}
