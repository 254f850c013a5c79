// Headers on every host response. The CSP allows what the renderer needs and nothing more:
// its own scripts, inline styles (Vue transitions and wavesurfer's shadow-DOM styles set them),
// images and audio from data:/blob: (waveform and spectrogram canvases), and the WebSocket back to
// this host.

/** `host` is the request's Host header, already checked against the bound address. */
export function contentSecurityPolicy(host: string): string {
  const safeHost = host.replace(/[^A-Za-z0-9.:[\]-]/g, '')
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://${safeHost} wss://${safeHost}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

export function securityHeaders(host: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
  }
}
