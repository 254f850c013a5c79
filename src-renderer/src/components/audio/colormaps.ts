// Colour maps for the spectrogram, applied in the renderer: tiles arrive as dB steps and a
// 256-entry table turns them into pixels, so a new map or contrast redraws without a request.

export type ColorMapName = 'viridis' | 'magma' | 'gray' | 'gray-inverted'

export const COLOR_MAPS: { name: ColorMapName; label: string }[] = [
  { name: 'viridis', label: 'Viridis' },
  { name: 'magma', label: 'Magma' },
  { name: 'gray', label: 'Grey' },
  { name: 'gray-inverted', label: 'Grey, inverted' },
]

type Stop = [number, number, number]

// Evenly spaced samples of matplotlib's perceptually uniform maps (values published with them).
const STOPS: Record<ColorMapName, Stop[]> = {
  viridis: [
    [68, 1, 84], [72, 35, 116], [64, 67, 135], [52, 94, 141], [41, 120, 142],
    [32, 144, 140], [34, 167, 132], [68, 190, 112], [121, 209, 81], [189, 222, 38], [253, 231, 37],
  ],
  magma: [
    [0, 0, 4], [20, 14, 54], [59, 15, 112], [100, 26, 128], [140, 41, 129],
    [183, 55, 121], [222, 73, 104], [247, 112, 92], [254, 159, 109], [254, 207, 146], [252, 253, 191],
  ],
  gray: [[0, 0, 0], [255, 255, 255]],
  'gray-inverted': [[255, 255, 255], [0, 0, 0]],
}

function sample(stops: Stop[], t: number): Stop {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const f = x - i
  const a = stops[i]
  const b = stops[i + 1]
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]
}

/**
 * RGBA for each tile value: values at or below `lowDb` take the first colour, at or above
 * `highDb` the last (value v means v·dbStep + dbFloor dB).
 */
export function colorTable(name: ColorMapName, lowDb: number, highDb: number, dbFloor: number, dbStep: number): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 4)
  const span = Math.max(1e-6, highDb - lowDb)
  for (let v = 0; v < 256; v++) {
    const [r, g, b] = sample(STOPS[name], (v * dbStep + dbFloor - lowDb) / span)
    lut[4 * v] = r
    lut[4 * v + 1] = g
    lut[4 * v + 2] = b
    lut[4 * v + 3] = 255
  }
  return lut
}

/** A CSS gradient of the map, for the legend. */
export function cssGradient(name: ColorMapName): string {
  const stops = STOPS[name]
  return `linear-gradient(to right, ${stops.map((s, i) => `rgb(${s.join(',')}) ${((i / (stops.length - 1)) * 100).toFixed(0)}%`).join(', ')})`
}
