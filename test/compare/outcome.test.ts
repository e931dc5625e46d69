// Outcomes decided by the sides: skipped, legacy-error, timeout, new-error; and compare() ends in
// them without diffing.
import { describe, expect, it } from 'vitest'
import { classifySides, compare, compileRules, outcomeOf, type Side } from '../../src/compare/index.js'

const ok = (status = 200, body: unknown = { a: 1 }): Side => ({ status, body })
const rules = compileRules({})

describe('classifySides', () => {
  it.each<[string, Side, Side, string | undefined]>([
    ['both answered', ok(), ok(), undefined],
    ['both 4xx answered', ok(404), ok(403), undefined],
    ['legacy transport error', { error: { kind: 'transport', message: 'ECONNRESET' } }, ok(), 'legacy-error'],
    ['legacy timeout', { error: { kind: 'timeout' } }, ok(), 'legacy-error'],
    ['legacy 5xx', ok(502), ok(), 'legacy-error'],
    ['legacy 5xx and candidate threw', ok(500), { error: { kind: 'threw', message: 'x' } }, 'legacy-error'],
    ['candidate threw', ok(), { error: { kind: 'threw', message: 'TypeError' } }, 'new-error'],
    ['candidate 5xx', ok(), ok(500), 'new-error'],
    ['candidate deadline', ok(), { error: { kind: 'timeout', message: 'after 2000 ms' } }, 'timeout'],
    ['candidate skipped (cap)', ok(), { error: { kind: 'skipped', message: 'concurrency cap' } }, 'skipped'],
    ['legacy body over the tee cap', { error: { kind: 'skipped', message: 'body over 1 MiB' } }, ok(), 'skipped'],
    ['skipped beats a legacy error', ok(500), { error: { kind: 'skipped' } }, 'skipped'],
  ])('%s', (_, legacy, candidate, outcome) => {
    expect(classifySides(legacy, candidate)?.outcome).toBe(outcome)
  })

  it('says which side and why', () => {
    expect(classifySides(ok(), ok(503))?.error).toEqual({ side: 'candidate', kind: 'status', message: 'answered 503' })
    expect(classifySides({ error: { kind: 'transport', message: 'ECONNREFUSED' } }, ok())?.error).toEqual({
      side: 'legacy',
      kind: 'transport',
      message: 'ECONNREFUSED',
    })
  })
})

describe('compare with a failed side', () => {
  it('ends in the side outcome with no differences and no signature', () => {
    const c = compare(ok(), { error: { kind: 'timeout', message: 'after 2000 ms' } }, rules)
    expect(c).toEqual({
      outcome: 'timeout',
      differences: [],
      signature: null,
      signatureKeys: [],
      legacyStatus: 200,
      error: { side: 'candidate', kind: 'timeout', message: 'after 2000 ms' },
    })
  })

  it('does not read the bodies (a non-JSON body on a failed comparison is not an error)', () => {
    expect(compare(ok(500, new Date()), ok(200, new Map()), rules).outcome).toBe('legacy-error')
  })
})

describe('outcomeOf', () => {
  it('match / expected / mismatch', () => {
    expect(outcomeOf([])).toBe('match')
    const c = compare(ok(200, { a: 1, b: 1 }), ok(200, { a: 2, b: 2 }), compileRules({ expected: [{ path: 'a', reason: 'r' }] }))
    expect(outcomeOf(c.differences.filter((d) => d.expected))).toBe('expected')
    expect(outcomeOf(c.differences)).toBe('mismatch')
  })
})
