// Ignored paths (with wildcards) disappear; expected differences stay visible with their reason and
// turn a comparison's outcome into `expected` instead of `mismatch`.
import { describe, expect, it } from 'vitest'
import { diff, lines } from './helpers.js'

describe('ignore', () => {
  const legacy = {
    updatedAt: 1,
    details: { a: { updatedAt: 1, v: 1 }, b: { updatedAt: 1 }, updatedAt: 1 },
    items: [{ id: 1, name: 'x', meta: { createdAt: 1 } }, { id: 2, name: 'y' }],
    deep: { x: { y: { z: { createdAt: 1 } } } },
  }
  const candidate = {
    updatedAt: 2,
    details: { a: { updatedAt: 2, v: 1 }, b: { updatedAt: 2 }, updatedAt: 2 },
    items: [{ id: 10, name: 'x', meta: { createdAt: 2 } }, { id: 20, name: 'y' }],
    deep: { x: { y: { z: { createdAt: 2 } } } },
  }

  it('without rules, everything differs', () => {
    expect(diff(legacy, candidate).differences).toHaveLength(8)
  })

  it('`*` matches exactly one key', () => {
    const c = diff(legacy, candidate, { ignore: ['details.*.updatedAt'] })
    expect(lines(c)).toContain('details.updatedAt changed')
    expect(lines(c).filter((l) => l.startsWith('details'))).toEqual(['details.updatedAt changed'])
  })

  it('`[*]` matches any array element; `*` does not', () => {
    expect(lines(diff(legacy, candidate, { ignore: ['items[*].id'] })).filter((l) => l.startsWith('items'))).toEqual([
      'items[0].meta.createdAt changed',
    ])
    expect(lines(diff(legacy, candidate, { ignore: ['items.*.id'] })).filter((l) => l.endsWith('.id changed'))).toHaveLength(2)
  })

  it('`**` matches at any depth, the root included', () => {
    const c = diff(legacy, candidate, { ignore: ['**.updatedAt', '**.createdAt'] })
    expect(lines(c)).toEqual(['items[0].id changed', 'items[1].id changed'])
  })

  it('`a.**.b` matches b anywhere below a, and directly under it', () => {
    const c = diff({ a: { b: 1, x: { b: 1 } }, b: 1 }, { a: { b: 2, x: { b: 2 } }, b: 2 }, { ignore: ['a.**.b'] })
    expect(lines(c)).toEqual(['b changed'])
  })

  it('an ignored path covers its subtree, missing and extra keys included', () => {
    const c = diff({ meta: { a: 1, gone: { x: 1 } } }, { meta: { a: 2, added: true } }, { ignore: ['meta'] })
    expect(c.outcome).toBe('match')
  })

  it('`$` ignores the body (status only)', () => {
    expect(diff({ a: 1 }, { a: 2 }, { ignore: ['$'] }).outcome).toBe('match')
    expect(diff({ a: 1 }, { a: 2 }, { ignore: ['$'] }, [200, 201]).outcome).toBe('mismatch')
  })

  it('an index pattern names one element', () => {
    expect(lines(diff([1, 2, 3], [9, 9, 9], { ignore: ['[1]'] }))).toEqual(['[0] changed', '[2] changed'])
  })
})

describe('expected differences', () => {
  it('are reported with their reason and make the outcome expected', () => {
    const c = diff({ details: { office: 'Mayor' } }, { details: { office: 'City Mayor' } }, {
      expected: [{ path: 'details.office', reason: 'office names come from BallotReady now' }],
    })
    expect(c.outcome).toBe('expected')
    expect(c.differences[0]).toMatchObject({ expected: true, reason: 'office names come from BallotReady now' })
    expect(c.signature).not.toBeNull()
  })

  it('a mix of expected and unexpected is a mismatch; the signature covers the unexpected only', () => {
    const c = diff({ a: 1, b: 1 }, { a: 2, b: 2 }, { expected: [{ path: 'a', reason: 'r' }] })
    expect(c.outcome).toBe('mismatch')
    expect(c.signatureKeys).toEqual(['b:changed'])
  })

  it('kind restricts which differences are expected', () => {
    const rules = { expected: [{ path: 'details.*', kind: 'extra' as const, reason: 'new fields' }] }
    expect(diff({ details: {} }, { details: { organizationId: 'o1' } }, rules).outcome).toBe('expected')
    expect(diff({ details: { x: 1 } }, { details: { x: 2 } }, rules).outcome).toBe('mismatch')
  })

  it('when conditions test the two values at the difference', () => {
    const rules = {
      expected: [
        { path: 'tier', reason: 'upper-cased', when: { legacy: { oneOf: ['win', 'lose'] }, candidate: { type: 'string' as const } } },
      ],
    }
    expect(diff({ tier: 'win' }, { tier: 'WIN' }, rules).outcome).toBe('expected')
    expect(diff({ tier: 'tossup' }, { tier: 'TOSSUP' }, rules).outcome).toBe('mismatch')
    expect(diff({ tier: 'win' }, { tier: null }, rules).outcome).toBe('mismatch')
  })

  it('type: missing describes an absent side', () => {
    const when = { candidate: { type: 'missing' as const } }
    const rules = { expected: [{ path: 'campaignId', reason: 'dropped in phase 3', when }] }
    expect(diff({ campaignId: 3 }, {}, rules).outcome).toBe('expected')
    expect(diff({ campaignId: 3 }, { campaignId: 4 }, rules).outcome).toBe('mismatch')
  })

  it('cover the subtree below their path; the deepest applicable rule gives the reason', () => {
    const rules = {
      expected: [
        { path: 'organization', reason: 'new object' },
        { path: 'organization.kind', reason: 'kind is new' },
      ],
    }
    const c = diff({ organization: { id: 1, kind: 'a' } }, { organization: { id: 2, kind: 'b' } }, rules)
    expect(lines(c)).toEqual([
      'organization.id changed (expected: new object)',
      'organization.kind changed (expected: kind is new)',
    ])
  })

  it('on $status, with statusEquivalents as sugar', () => {
    const viaExpected = {
      expected: [{ path: '$status', reason: 'guard answers 403', when: { legacy: { equals: 400 }, candidate: { equals: 403 } } }],
    }
    const viaSugar = { statusEquivalents: [{ legacy: 400, candidate: 403, reason: 'guard answers 403' }] }
    for (const rules of [viaExpected, viaSugar]) {
      const c = diff({}, {}, rules, [400, 403])
      expect(c.outcome).toBe('expected')
      expect(lines(c)).toEqual(['$status changed (expected: guard answers 403)'])
      expect(diff({}, {}, rules, [400, 404]).outcome).toBe('mismatch')
    }
  })

  it('ignore wins over expected', () => {
    expect(diff({ a: 1 }, { a: 2 }, { ignore: ['a'], expected: [{ path: 'a', reason: 'r' }] }).differences).toEqual([])
  })
})
