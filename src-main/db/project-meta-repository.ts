import type { Database, Statement } from 'better-sqlite3'

export interface ProjectCounts {
  recordings: number
  annotations: number
  detections: number
  models: number
  jobs: number
}

/** Key/value facts about the project itself (name, created_at, the app version that made it). */
export class ProjectMetaRepository {
  private readonly getStmt: Statement<[string], { value: string }>
  private readonly setStmt: Statement<[string, string]>
  private readonly countsStmt: Statement<[], ProjectCounts>

  constructor(db: Database) {
    this.getStmt = db.prepare('SELECT value FROM project_meta WHERE key = ?')
    this.setStmt = db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.countsStmt = db.prepare(`SELECT
      (SELECT count(*) FROM recordings) AS recordings,
      (SELECT count(*) FROM annotations) AS annotations,
      (SELECT count(*) FROM detections) AS detections,
      (SELECT count(*) FROM models) AS models,
      (SELECT count(*) FROM jobs) AS jobs`)
  }

  get(key: string): string | null {
    return this.getStmt.get(key)?.value ?? null
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value)
  }

  counts(): ProjectCounts {
    return this.countsStmt.get() as ProjectCounts
  }
}
