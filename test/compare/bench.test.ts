// The micro-benchmark runs and reports a sane figure; the project's bench prints it against the
// 50 µs target (the bound here is loose: CI boxes are shared).
import { describe, expect, it } from 'vitest'
import { benchCompare, TYPICAL_RULES, typicalPair } from '../../src/compare/bench.js'
import { compare, compileRules } from '../../src/compare/index.js'

describe('benchCompare', () => {
  it('the typical pair is about 2 KB and ends as expected (one intended change)', () => {
    const { legacy, candidate } = typicalPair()
    expect(JSON.stringify('body' in legacy ? legacy.body : null).length).toBeGreaterThan(1_500)
    const c = compare(legacy, candidate, compileRules(TYPICAL_RULES))
    expect(c.outcome).toBe('expected')
    expect(c.differences.map((d) => d.path)).toEqual(['details.ballotLevel'])
  })

  it('returns microseconds per comparison', () => {
    const us = benchCompare({ iterations: 5_000 })
    console.log(`compare(): ${us.toFixed(1)} µs per typical pair`)
    expect(us).toBeGreaterThan(0)
    expect(us).toBeLessThan(1_000)
  })
})
