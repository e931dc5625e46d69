// The deep merge and slug rules, on their own.
import { describe, expect, it } from 'vitest'
import { deepMerge } from '../../src/legacy/index.js'
import { nextFreeSlug, slugify } from '../../src/legacy/slug.js'

describe('deepMerge', () => {
  it('merges objects recursively and replaces everything else', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } }
    const out = deepMerge(base, { a: { c: [3] }, d: null, e: 'flat', g: { h: 1 } })
    expect(out).toEqual({ a: { b: 1, c: [3] }, d: null, e: 'flat', g: { h: 1 } })
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } })
  })

  it('treats a non-object base as empty and a __proto__ key as data', () => {
    expect(deepMerge(null, { a: 1 })).toEqual({ a: 1 })
    expect(deepMerge([1], { a: 1 })).toEqual({ a: 1 })
    const out = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}')
  })
})

describe('slugs', () => {
  it('slugifies names and picks the next free suffix', () => {
    expect(slugify("José  O'Brien")).toBe('jose-o-brien')
    expect(slugify('  --  ')).toBe('')
    expect(nextFreeSlug('a', new Set())).toBe('a')
    expect(nextFreeSlug('a', new Set(['a', 'a-2']))).toBe('a-3')
  })
})
