// Ranking for the label picker: what a researcher types is usually the start of a code ("TURM")
// or of a name ("black"), sometimes a piece from the middle.

export interface SearchableLabel {
  id: number
  code: string
  scientificName: string | null
  commonName: string | null
}

function rank(label: SearchableLabel, q: string): number {
  const code = label.code.toLowerCase()
  const names = [label.scientificName, label.commonName].filter((n): n is string => !!n).map((n) => n.toLowerCase())
  if (code === q) return 0
  if (code.startsWith(q)) return 1
  if (names.some((n) => n.startsWith(q))) return 2
  // The start of a later word: "merula", "blackbird" in "Eurasian blackbird".
  if (names.some((n) => n.split(/[\s-]+/).some((w) => w.startsWith(q)))) return 3
  if (code.includes(q) || names.some((n) => n.includes(q))) return 4
  return -1
}

/**
 * Labels matching `query` best first; with an empty query, the recently used ones first and the
 * rest in their set order.
 */
export function searchLabels<T extends SearchableLabel>(labels: readonly T[], query: string, recentIds: readonly number[] = []): T[] {
  const q = query.trim().toLowerCase()
  if (!q) {
    const recent = recentIds.map((id) => labels.find((l) => l.id === id)).filter((l): l is T => !!l)
    return [...recent, ...labels.filter((l) => !recentIds.includes(l.id))]
  }
  return labels
    .map((label, order) => ({ label, order, r: rank(label, q) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.order - b.order)
    .map((x) => x.label)
}
