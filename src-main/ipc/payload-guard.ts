// Cheap structural checks on an incoming payload before zod sees it: bounded size and depth, only
// JSON-like values, and no keys that could reach an object's prototype if some later code merged
// the payload into another object.
import { AppError } from '../errors'

export const MAX_PAYLOAD_BYTES = 1_000_000
const MAX_DEPTH = 32
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function inspect(value: unknown, depth: number, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AppError('INVALID_REQUEST', `payload value at ${path} is not a finite number`)
    return
  }
  if (typeof value !== 'object') throw new AppError('INVALID_REQUEST', `payload value at ${path} has type ${typeof value}, which is not JSON`)
  if (depth > MAX_DEPTH) throw new AppError('INVALID_REQUEST', `payload is nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(value)) {
    value.forEach((v, i) => inspect(v, depth + 1, `${path}[${i}]`))
    return
  }
  if (!isPlainObject(value)) throw new AppError('INVALID_REQUEST', `payload value at ${path} is not a plain object`)
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new AppError('INVALID_REQUEST', `payload key "${key}" at ${path} is not allowed`)
    inspect((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`)
  }
}

/** Throws INVALID_REQUEST unless the payload is a bounded, JSON-like value. */
export function guardPayload(payload: unknown, maxBytes = MAX_PAYLOAD_BYTES): void {
  let text: string | undefined
  try {
    text = JSON.stringify(payload)
  } catch (err) {
    throw new AppError('INVALID_REQUEST', `payload is not serialisable as JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  // JSON.stringify counts UTF-16 units; close enough for a limit meant to stop abuse.
  if (text !== undefined && text.length > maxBytes) {
    throw new AppError('INVALID_REQUEST', `payload is ${text.length} bytes, more than the limit of ${maxBytes}`)
  }
  inspect(payload, 0, '$')
}
