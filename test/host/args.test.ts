import { describe, expect, it } from 'vitest'
import { parseServeArgs } from '../../src-main/host/args'
import { contentSecurityPolicy } from '../../src-main/host/security-headers'

describe('npm run serve arguments', () => {
  it('defaults to 127.0.0.1 and a free port', () => {
    expect(parseServeArgs([])).toEqual({ port: 0, host: '127.0.0.1', project: undefined, dataDir: undefined, logLevel: 'info' })
  })

  it('reads every option', () => {
    expect(parseServeArgs(['--port', '8123', '--host', '0.0.0.0', '--project', '/data/p', '--data-dir', '/d', '--log-level', 'debug'])).toEqual({
      port: 8123, host: '0.0.0.0', project: '/data/p', dataDir: '/d', logLevel: 'debug',
    })
  })

  it.each([
    [['--port', 'eighty']],
    [['--port', '70000']],
    [['--port', '-1']],
    [['--log-level', 'loud']],
    [['--bogus']],
    [['stray']],
  ])('rejects %j', (argv) => {
    expect(() => parseServeArgs(argv)).toThrow()
  })
})

describe('host CSP', () => {
  it('allows the WebSocket back to the page host only, and strips characters that could extend the policy', () => {
    expect(contentSecurityPolicy('127.0.0.1:5000')).toContain("connect-src 'self' ws://127.0.0.1:5000 wss://127.0.0.1:5000;")
    expect(contentSecurityPolicy("evil; script-src 'unsafe-eval'")).not.toContain("'unsafe-eval'")
  })
})
