/** The custom protocol for media: `openbeats-media://media/recordings/12/audio`. */
export const MEDIA_SCHEME = 'openbeats-media'
export const MEDIA_HOST = 'media'
