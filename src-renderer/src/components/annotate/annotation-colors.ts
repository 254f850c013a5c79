// A label's own colour when it has one; otherwise a stable colour from its id, spread around the
// hue circle, so neighbouring labels stay tellable apart.

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#7f7f7f']

export function fallbackColor(labelId: number): string {
  return PALETTE[Math.abs(labelId) % PALETTE.length]
}

export function labelColor(label: { id: number; color: string | null } | undefined, labelId: number): string {
  return label?.color ?? fallbackColor(labelId)
}
