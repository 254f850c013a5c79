// Optional Python cross-checks: run only where a python3 (and, for some, torch) is installed.
import { spawnSync } from 'node:child_process'

const CANDIDATES = ['python3', '/usr/bin/python3', '/usr/local/bin/python3']

function find(code: string): string | undefined {
  return CANDIDATES.find((exe) => spawnSync(exe, ['-c', code], { encoding: 'utf8', timeout: 60_000 }).status === 0)
}

/** A python3 with the standard library, or undefined. */
export const python = find('import pickle')
/** A python3 that can import torch, or undefined. */
export const torchPython = find('import torch')

export function runPython(exe: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(exe, args, { encoding: 'utf8', timeout: timeoutMs })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
