// The path-pattern language: what parses, what is refused with a position, and that printed paths
// are patterns that match themselves.
import { describe, expect, it } from 'vitest'
import { compileRules, parsePattern, PatternError } from '../../src/compare/index.js'
import { diff } from './helpers.js'

describe('parsePattern', () => {
  it('parses keys, wildcards, indices, set keys and quoted keys', () => {
    const kinds = (p: string) => parsePattern(p).segs.map((s) => ('v' in s ? `${s.t}:${s.v}` : `${s.t}`))
    expect(kinds('details.positionId')).toEqual(['0:details', '0:positionId'])
    expect(kinds('details.*.updatedAt')).toEqual(['0:details', '1', '0:updatedAt'])
    expect(kinds('items[*].id')).toEqual(['0:items', '2', '0:id'])
    expect(kinds('**.createdAt')).toEqual(['5', '0:createdAt'])
    expect(kinds('items[3]')).toEqual(['0:items', '3:3'])
    expect(kinds('filters[id=12].name')).toEqual(['0:filters', '4:id=12', '0:name'])
    expect(kinds('filters[id="a b"]')).toEqual(['0:filters', '4:id="a b"'])
    expect(kinds('filters[id=12#2]')).toEqual(['0:filters', '4:id=12#2'])
    expect(kinds('codes[=en]')).toEqual(['0:codes', '4:=en'])
    expect(kinds('["odd.key"].x')).toEqual(['0:odd.key', '0:x'])
    expect(kinds('a.**.**.b')).toEqual(['0:a', '5', '0:b'])
  })

  it('treats a leading $ as optional and $ alone as the body, $status as the status', () => {
    expect(parsePattern('$.details').segs).toEqual(parsePattern('details').segs)
    expect(parsePattern('$[0]').segs).toEqual(parsePattern('[0]').segs)
    expect(parsePattern('$').segs).toEqual([])
    expect(parsePattern('$status')).toMatchObject({ status: true, segs: [] })
  })

  it.each([
    ['', 'empty pattern'],
    ['a..b', 'expected a key name'],
    ['a.', 'ends with a dot'],
    ['items[*', 'unclosed ['],
    ['items[x]', 'expected [*], [n]'],
    ['a b', "expected '.' or '['"],
    ['$.', 'ends with a dot'],
    ['["unterminated]', 'unclosed ['],
    ['[id=1#x]', 'bad occurrence'],
  ])('refuses %j with a reason and position', (source, reason) => {
    expect(() => parsePattern(source)).toThrow(PatternError)
    expect(() => parsePattern(source)).toThrow(reason)
  })
})

describe('printed paths are patterns', () => {
  it('every concrete path and pattern of a diff, used as an ignore rule, removes that difference', () => {
    const legacy = {
      'odd key': { 'a.b': 1 },
      '2024': [1, { x: 1 }],
      filters: [{ id: 'a b', v: 1 }, { id: 7, v: 1 }, { id: 7, v: 1 }],
    }
    const candidate = {
      'odd key': { 'a.b': 2 },
      '2024': [1, { x: 2 }],
      filters: [{ id: 'a b', v: 2 }, { id: 7, v: 1 }, { id: 7, v: 3 }],
    }
    const rules = { arraysAsSets: [{ path: 'filters', key: 'id' }] }
    const before = diff(legacy, candidate, rules)
    // Integer-like keys come first in JavaScript's own key order.
    expect(before.differences.map((d) => d.path)).toEqual([
      '["2024"][1].x',
      '["odd key"]["a.b"]',
      'filters[id="a b"].v',
      'filters[id=7#2].v',
    ])
    for (const d of before.differences) {
      for (const p of [d.path, d.pattern]) {
        const after = diff(legacy, candidate, { ...rules, ignore: [p] })
        expect(after.differences.map((x) => x.path)).not.toContain(d.path)
      }
    }
  })

  it('compiles a pattern with a glob at both ends', () => {
    expect(() => compileRules({ ignore: ['**.meta.**'] })).not.toThrow()
  })
})
