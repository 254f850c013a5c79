import { describe, expect, it } from 'vitest'
describe('toolchain', () => {
  it('runs typed-array maths in the forks pool', () => {
    expect(new Float32Array([1, 2, 3]).reduce((a, b) => a + b, 0)).toBe(6)
  })
})
