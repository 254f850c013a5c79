// Peaks and spectrogram tiles of recordings: computed from streamed audio, cached in the project,
// served through the media routes.
export { PeaksIndex, SpectrogramIndex, MEDIA_CACHE_VERSION } from '../../src-shared/contracts'
export { createMediaCache, recordingCacheDir, writeOverview, type CachedRecording, type MediaCache } from './media-cache'
export { recordingMediaRoutes } from './media-routes'
export { computeOverview, type Overview } from './overview'
export { prepareMediaCache, DEFAULT_MIN_DURATION_S, type PrepareResult } from './prepare-recordings'
export { computeTile } from './spectrogram-tile'
export { DEFAULT_FFT_SIZE, SPECTROGRAM_FFT_SIZES, TILE_COLUMNS } from './spectrogram-grid'
