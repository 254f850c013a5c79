// Peaks and tiles come over the media URLs (the same confinement as audio), not the api: they are
// binary, cacheable and big. Every answer is checked before use.
import type { z } from 'zod'
import { mediaUrl } from '../../api'

async function get(path: string, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(mediaUrl(path), { signal })
  if (!response.ok) throw new Error(`${path}: the main process answered ${response.status} ${(await response.text()).slice(0, 200)}`)
  return response
}

export async function fetchMediaJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const body: unknown = await (await get(path, signal)).json()
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new Error(`${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`)
  return parsed.data
}

export async function fetchMediaBytes(path: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  return (await get(path, signal)).arrayBuffer()
}
