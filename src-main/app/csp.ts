// The desktop window's Content-Security-Policy: the renderer's own scripts, inline styles (Vue and
// wavesurfer's shadow DOM set them), data:/blob: images and audio, and the media protocol.
import { MEDIA_SCHEME } from './media-scheme'

export function desktopContentSecurityPolicy(devServerUrl?: string): string {
  // The Vite dev server (npm run dev) serves modules over http and pushes updates over ws.
  const dev = devServerUrl ? new URL(devServerUrl) : null
  const devSources = dev ? ` ${dev.origin} ws://${dev.host}` : ''
  return [
    "default-src 'self'",
    `script-src 'self'${dev ? ` ${dev.origin}` : ''}`,
    `style-src 'self' 'unsafe-inline'${dev ? ` ${dev.origin}` : ''}`,
    "img-src 'self' data: blob:",
    `media-src 'self' blob: ${MEDIA_SCHEME}:`,
    "font-src 'self' data:",
    `connect-src 'self' ${MEDIA_SCHEME}:${devSources}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
