// Projects: a folder with project.sqlite, models/, cache/, exports/.
import { z } from 'zod'
import { method } from './define'
import { Empty, FsPath, Nothing } from './common'

export const ProjectInfo = z.object({
  dir: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  counts: z.object({
    recordings: z.number().int(),
    annotations: z.number().int(),
    detections: z.number().int(),
    models: z.number().int(),
    jobs: z.number().int(),
  }),
})
export type ProjectInfo = z.infer<typeof ProjectInfo>

export const RecentProject = z.object({
  dir: z.string(),
  name: z.string(),
  openedAt: z.string(),
  exists: z.boolean(),
})
export type RecentProject = z.infer<typeof RecentProject>

export const projectsContract = {
  /** Creates the folder (or uses an empty one) and opens it. PROJECT_EXISTS if it already is one. */
  create: method(z.object({ dir: FsPath, name: z.string().min(1).max(200) }).strict(), ProjectInfo),
  open: method(z.object({ dir: FsPath }).strict(), ProjectInfo),
  close: method(Empty, Nothing),
  current: method(Empty, ProjectInfo.nullable()),
  recent: method(Empty, z.array(RecentProject)),
  forgetRecent: method(z.object({ dir: FsPath }).strict(), Nothing),
}
