// Arrays compared as sets: pairing by key, order ignored, duplicates, plain-value sets, odd keys.
import { describe, expect, it } from 'vitest'
import { diff, lines } from './helpers.js'

const bySet = { arraysAsSets: [{ path: 'filters', key: 'id' }] }

describe('arraysAsSets', () => {
  it('ignores order and pairs elements by key', () => {
    const legacy = { filters: [{ id: 1, n: 'a' }, { id: 2, n: 'b' }] }
    const c = diff(legacy, { filters: [{ id: 2, n: 'b' }, { id: 1, n: 'a' }] }, bySet)
    expect(c.outcome).toBe('match')
  })

  it('reports changed fields under the element key, missing and extra elements by key', () => {
    const c = diff(
      { filters: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 12, name: 'c' }] },
      { filters: [{ id: 13, name: 'd' }, { id: 12, name: 'C' }, { id: 1, name: 'a' }] },
      bySet,
    )
    expect(lines(c)).toEqual(['filters[id=2] missing', 'filters[id=12].name changed', 'filters[id=13] extra'])
    expect(c.differences.map((d) => d.pattern)).toEqual(['filters[*]', 'filters[*].name', 'filters[*]'])
    expect(c.differences[0]!.legacy).toEqual({ id: 2, name: 'b' })
  })

  it('pairs duplicate keys in order of occurrence and reports the surplus', () => {
    const c = diff(
      { filters: [{ id: 7, v: 1 }, { id: 7, v: 2 }, { id: 7, v: 3 }] },
      { filters: [{ id: 7, v: 1 }, { id: 7, v: 9 }] },
      bySet,
    )
    expect(lines(c)).toEqual(['filters[id=7#2].v changed', 'filters[id=7#3] missing'])
    expect(c.signatureKeys).toEqual(['filters[*].v:changed', 'filters[*]:missing'])
  })

  it('pairs a numeric key with the same number written as a string, and shows the type change', () => {
    const c = diff({ filters: [{ id: 12, name: 'a' }] }, { filters: [{ id: '12', name: 'a' }] }, bySet)
    expect(lines(c)).toEqual(['filters[id=12].id type'])
  })

  it('elements without the key field share the key null', () => {
    const c = diff({ filters: [{ name: 'a' }, { id: null, name: 'b' }] }, { filters: [{ name: 'a' }] }, bySet)
    expect(lines(c)).toEqual(['filters[id=null#2] missing'])
  })

  it('quotes key values that are not plain, and object keys by their canonical JSON', () => {
    const c = diff(
      { filters: [{ id: 'a b]', v: 1 }, { id: { x: 1, y: 2 }, v: 1 }] },
      { filters: [{ id: 'a b]', v: 2 }, { id: { y: 2, x: 1 }, v: 2 }] },
      bySet,
    )
    expect(lines(c)).toEqual(['filters[id="a b]"].v changed', 'filters[id="{\\"x\\":1,\\"y\\":2}"].v changed'])
  })

  it('compares a set of plain values by value, as a multiset', () => {
    const rules = { arraysAsSets: [{ path: '**.languageCodes' }] }
    expect(diff({ f: { languageCodes: ['en', 'es'] } }, { f: { languageCodes: ['es', 'en'] } }, rules).outcome).toBe('match')
    expect(lines(diff({ languageCodes: ['en', 'en', 'fr'] }, { languageCodes: ['en', 'de'] }, rules))).toEqual([
      'languageCodes[=en#2] missing',
      'languageCodes[=fr] missing',
      'languageCodes[=de] extra',
    ])
  })

  it('applies to the named array only, not to arrays below it', () => {
    const c = diff({ filters: [{ id: 1, tags: ['a', 'b'] }] }, { filters: [{ id: 1, tags: ['b', 'a'] }] }, bySet)
    expect(lines(c)).toEqual(['filters[id=1].tags[0] changed', 'filters[id=1].tags[1] changed'])
  })

  it('reaches nested set arrays through [*] and sets of sets', () => {
    const rules = { arraysAsSets: [{ path: 'orgs', key: 'id' }, { path: 'orgs[*].filters', key: 'id' }] }
    const c = diff(
      { orgs: [{ id: 'o1', filters: [{ id: 1 }, { id: 2 }] }, { id: 'o2', filters: [] }] },
      { orgs: [{ id: 'o2', filters: [] }, { id: 'o1', filters: [{ id: 2 }, { id: 3 }] }] },
      rules,
    )
    expect(lines(c)).toEqual(['orgs[id=o1].filters[id=1] missing', 'orgs[id=o1].filters[id=3] extra'])
  })

  it('a literal set key in a rule names one element', () => {
    const c = diff({ filters: [{ id: 1, v: 1 }, { id: 2, v: 1 }] }, { filters: [{ id: 1, v: 2 }, { id: 2, v: 2 }] }, {
      ...bySet,
      ignore: ['filters[id=2]'],
    })
    expect(lines(c)).toEqual(['filters[id=1].v changed'])
  })

  it('falls back to the ordinary comparison when a side is not an array', () => {
    expect(lines(diff({ filters: { id: 1 } }, { filters: [{ id: 1 }] }, bySet))).toEqual(['filters type'])
  })
})
