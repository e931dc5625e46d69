// Signatures group mismatches by shape: the same shape on other rows and ids gives the same id;
// another path or kind gives another; a triage mark turns a group into rules with the same id.
import { describe, expect, it } from 'vitest'
import { expectedRulesFor, signatureOf } from '../../src/compare/index.js'
import { diff } from './helpers.js'

const rules = { arraysAsSets: [{ path: 'filters', key: 'id' }] }

describe('signature', () => {
  it('is the same for the same shape of diff on different ids and indices', () => {
    const a = diff(
      { id: 1, filters: [{ id: 5, name: 'a' }], items: [1, 2] },
      { id: 1, filters: [{ id: 5, name: 'b' }], items: [1, 3] },
      rules,
    )
    const b = diff(
      { id: 2, filters: [{ id: 9, name: 'x' }, { id: 10, name: 'q' }], items: [7, 8, 9] },
      { id: 2, filters: [{ id: 10, name: 'r' }, { id: 9, name: 'x' }], items: [0, 8, 9] },
      rules,
    )
    expect(a.signature).toMatch(/^[0-9a-f]{12}$/)
    expect(a.signature).toBe(b.signature)
    expect(a.signatureKeys).toEqual(['filters[*].name:changed', 'items[*]:changed'])
  })

  it('does not depend on the order of differences or repeated paths', () => {
    const a = diff({ x: 1, y: 1, items: [1, 1] }, { x: 2, y: 2, items: [2, 2] })
    const b = diff({ items: [1], y: 1, x: 1 }, { items: [2], y: 2, x: 2 })
    expect(a.signature).toBe(b.signature)
  })

  it('differs for different paths or kinds', () => {
    const base = diff({ a: 1 }, { a: 2 }).signature
    expect(diff({ b: 1 }, { b: 2 }).signature).not.toBe(base)
    expect(diff({ a: 1 }, { a: '1' }).signature).not.toBe(base)
    expect(diff({ a: 1 }, {}).signature).not.toBe(base)
    expect(diff({ a: 1, b: 1 }, { a: 2, b: 2 }).signature).not.toBe(base)
  })

  it('keeps the two status codes, so a 404 and a 500 are different groups', () => {
    expect(diff({}, {}, {}, [200, 404]).signatureKeys).toEqual(['$status:changed:200>404'])
    expect(diff({}, {}, {}, [200, 404]).signature).not.toBe(diff({}, {}, {}, [200, 403]).signature)
  })

  it('is null when there is nothing to group', () => {
    expect(diff({ a: 1 }, { a: 1 }).signature).toBeNull()
    expect(signatureOf([])).toBeNull()
  })

  it('a triaged group becomes expected rules that keep its signature', () => {
    const legacy = { filters: [{ id: 1, name: 'a' }], tier: 'win' }
    const candidate = { filters: [{ id: 1, name: 'b' }], tier: 'WIN', extra: true }
    const before = diff(legacy, candidate, rules, [400, 403])
    expect(before.outcome).toBe('mismatch')
    const expected = expectedRulesFor(before.signatureKeys, 'intended in phase 2')
    expect(expected).toContainEqual({
      path: '$status',
      kind: 'changed',
      reason: 'intended in phase 2',
      when: { legacy: { equals: 400 }, candidate: { equals: 403 } },
    })
    const after = diff(legacy, candidate, { ...rules, expected }, [400, 403])
    expect(after.outcome).toBe('expected')
    expect(after.signature).toBe(before.signature)
    // Another row with the same shape is covered too.
    const other = diff(
      { filters: [{ id: 8, name: 'x' }], tier: 'lose' },
      { filters: [{ id: 8, name: 'y' }], tier: 'LOSE', extra: 1 },
      { ...rules, expected },
      [400, 403],
    )
    expect(other.outcome).toBe('expected')
  })
})
