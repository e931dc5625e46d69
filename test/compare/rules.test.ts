// Rules are data checked at startup: defaults are filled in, and every mistake is reported by place.
import { describe, expect, it } from 'vitest'
import { compileRules, parseRules, RulesError } from '../../src/compare/index.js'

describe('parseRules', () => {
  it('fills in defaults', () => {
    expect(parseRules({})).toEqual({
      ignore: [],
      arraysAsSets: [],
      nullEqualsMissing: false,
      numberTolerance: [],
      numericStrings: [],
      dates: [],
      expected: [],
      sensitive: [],
      compareStatus: true,
      statusEquivalents: [],
    })
    expect(parseRules(undefined).compareStatus).toBe(true)
  })

  it('accepts every rule kind', () => {
    const rules = parseRules({
      ignore: ['**.updatedAt', '$status'],
      arraysAsSets: [{ path: 'filters', key: 'id' }, { path: 'filters[*].languageCodes' }],
      nullEqualsMissing: ['details'],
      numberTolerance: [{ path: 'data.winNumber', rel: 0.01 }, { path: 'data.turnout', abs: 1 }],
      numericStrings: ['details.officeTermLength'],
      dates: ['details.electionDate'],
      expected: [
        { path: '$status', reason: 'guard answers 403', when: { legacy: { equals: 400 }, candidate: { oneOf: [403, 404] } } },
        { path: 'details.office', kind: 'changed', reason: 'renamed', when: { candidate: { type: 'string' } } },
      ],
      sensitive: ['user'],
      compareStatus: true,
      statusEquivalents: [{ legacy: 400, candidate: 403, reason: 'guard' }],
    })
    expect(rules.expected).toHaveLength(2)
  })

  it.each([
    [{ ignore: ['items[*'] }, 'ignore[0]', 'unclosed ['],
    [{ ignores: [] }, 'ignores', 'Unrecognized key'],
    [{ expected: [{ path: 'a', reason: ' ' }] }, 'expected[0].reason', 'needs its reason'],
    [{ expected: [{ path: 'a', kind: 'renamed', reason: 'x' }] }, 'expected[0].kind', ''],
    [{ numberTolerance: [{ path: 'a' }] }, 'numberTolerance', 'abs or rel'],
    [{ numberTolerance: [{ path: 'a', abs: -1 }] }, 'numberTolerance[0].abs', ''],
    [{ dates: ['$status'] }, 'dates[0]', 'only `ignore` and `expected` may name $status'],
    [{ arraysAsSets: [{ path: 'a', key: 'a.b' }] }, 'arraysAsSets[0].key', 'field name'],
    [{ expected: [{ path: 'a', reason: 'x', when: { legacy: {} } }] }, 'expected[0].when.legacy', 'equals, oneOf or type'],
    [{ statusEquivalents: [{ legacy: 99, candidate: 403, reason: 'x' }] }, 'statusEquivalents[0].legacy', ''],
    [{ nullEqualsMissing: 'yes' }, 'nullEqualsMissing', ''],
  ])('refuses %j, naming %s', (input, where, what) => {
    let err: unknown
    try {
      parseRules(input, 'GET /v1/campaigns/mine')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(RulesError)
    const message = (err as Error).message
    expect(message).toContain('comparison rules for GET /v1/campaigns/mine are invalid')
    expect(message).toContain(where)
    expect(message).toContain(what)
  })

  it('lists every problem at once', () => {
    expect(() => parseRules({ ignore: ['a..b'], dates: ['x['] })).toThrow(/ignore\[0\][\s\S]*dates\[0\]|dates\[0\][\s\S]*ignore\[0\]/)
  })

  it('compileRules validates raw input too', () => {
    expect(() => compileRules({ sensitive: ['$status'] })).toThrow(RulesError)
  })
})
