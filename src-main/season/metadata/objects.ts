/** Removes keys whose value is undefined, so results compare and serialise cleanly. */
export function dropUndefined<T extends object>(obj: T): T {
  const record = obj as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) delete record[key]
  }
  return obj
}
