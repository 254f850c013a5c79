// One annotation shape for every file format we read and write.

export interface ParsedAnnotation {
  /** Seconds from the start of the recording (or of the table, for combined Raven tables). */
  start: number
  end: number
  /** A time–frequency box has both; a time segment has neither. */
  lowHz?: number
  highHz?: number
  label: string
  score?: number
  /** The recording a row names (Raven `Begin Path`/`Begin File`, BirdNET `filepath`). */
  sourceFile?: string
  /** Seconds into `sourceFile` where the row begins (Raven `File Offset (s)`). */
  fileOffset?: number
  channel?: number
  /** Columns we do not interpret, by their header name. */
  extra: Record<string, string>
}

export interface ParsedAnnotationFile {
  rows: ParsedAnnotation[]
  warnings: string[]
  /** Rows (or lines) dropped as unreadable, each with a warning saying why. */
  skipped: number
}

export interface AnnotationParseOptions {
  /** Named in every error and warning. */
  fileName: string
  /** Enables the "frequency above Nyquist" check. */
  sampleRate?: number
  /** Enables the "past the end of the recording" check. */
  durationSeconds?: number
}

export type AnnotationFormat = 'raven' | 'audacity' | 'birdnet-audacity' | 'birdnet-csv'
