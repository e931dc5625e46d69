// The structural diff without special rules: objects, arrays by index, types, null and absence,
// status codes, and the outcome each combination ends in.
import { describe, expect, it } from 'vitest'
import { compare, compileRules, Difference } from '../../src/compare/index.js'
import { diff, lines } from './helpers.js'

describe('objects', () => {
  it('equal bodies match, whatever the key order', () => {
    const c = diff({ a: 1, b: { c: [1, 2], d: null } }, { b: { d: null, c: [1, 2] }, a: 1 })
    expect(c).toMatchObject({ outcome: 'match', differences: [], signature: null, signatureKeys: [] })
  })

  it('reports changed, missing and extra keys at nested paths', () => {
    const c = diff(
      { details: { positionId: 'p1', office: 'Mayor', state: 'CA' }, id: 1 },
      { details: { positionId: 'p2', state: 'CA', ballotLevel: 'CITY' }, id: 1 },
    )
    expect(lines(c)).toEqual(['details.positionId changed', 'details.office missing', 'details.ballotLevel extra'])
    expect(c.outcome).toBe('mismatch')
    expect(c.differences[0]).toMatchObject({ legacy: 'p1', candidate: 'p2', pattern: 'details.positionId' })
    expect(c.differences[1]!.candidate).toBeUndefined()
  })

  it('treats an undefined property as absent, as JSON.stringify would', () => {
    expect(diff({ a: 1 }, { a: 1, b: undefined }).outcome).toBe('match')
    expect(lines(diff({ a: 1, b: undefined }, { a: 1, b: 2 }))).toEqual(['b extra'])
  })

  it('does not mistake inherited members for keys', () => {
    expect(lines(diff({ constructor: 1 }, {}))).toEqual(['constructor missing'])
    expect(lines(diff({}, { toString: 'x' }))).toEqual(['toString extra'])
    expect(lines(diff(JSON.parse('{"__proto__": 1}'), {}))).toEqual(['__proto__ missing'])
  })
})

describe('types', () => {
  it.each<[unknown, unknown, string]>([
    [1, '1', 'number vs string'],
    [{}, [], 'object vs array'],
    [null, {}, 'null vs object'],
    [true, 'true', 'boolean vs string'],
    [0, null, 'number vs null'],
  ])('%j vs %j is a type difference (%s)', (a, b) => {
    expect(lines(diff({ v: a }, { v: b }))).toEqual(['v type'])
  })

  it('compares the body itself, whatever its type', () => {
    expect(lines(diff('text', { a: 1 }))).toEqual(['$ type'])
    expect(lines(diff([1], [2]))).toEqual(['[0] changed'])
    expect(diff(null, null).outcome).toBe('match')
  })

  it('an absent body on one side is missing or extra at $', () => {
    expect(lines(diff({ a: 1 }, undefined))).toEqual(['$ missing'])
    expect(lines(diff(undefined, { a: 1 }))).toEqual(['$ extra'])
    expect(diff(undefined, undefined).outcome).toBe('match')
  })
})

describe('null and missing', () => {
  it('differ without the rule', () => {
    expect(lines(diff({ a: null }, {}))).toEqual(['a missing'])
    expect(lines(diff({}, { a: null }))).toEqual(['a extra'])
  })

  it('are equal everywhere with nullEqualsMissing: true', () => {
    const c = diff({ a: null, b: { c: null } }, { b: {}, d: null }, { nullEqualsMissing: true })
    expect(c.outcome).toBe('match')
  })

  it('are equal only under the listed paths otherwise', () => {
    const legacy = { details: { x: null, y: { z: null } }, data: { x: null } }
    const c = diff(legacy, { details: { y: {} }, data: {} }, { nullEqualsMissing: ['details'] })
    expect(lines(c)).toEqual(['data.x missing'])
  })

  it('never makes null equal to a value, or missing equal to a value', () => {
    const c = diff({ a: null, b: 1 }, { a: 0 }, { nullEqualsMissing: true })
    expect(lines(c)).toEqual(['a type', 'b missing'])
  })
})

describe('arrays by index', () => {
  it('compares element by element and reports the tail as missing or extra', () => {
    expect(lines(diff({ items: [1, 2, 3] }, { items: [1, 5] }))).toEqual(['items[1] changed', 'items[2] missing'])
    expect(lines(diff({ items: [] }, { items: [{ id: 1 }] }))).toEqual(['items[0] extra'])
  })

  it('is order-sensitive (use arraysAsSets where order does not matter)', () => {
    expect(lines(diff({ a: [1, 2] }, { a: [2, 1] }))).toEqual(['a[0] changed', 'a[1] changed'])
  })

  it('walks nested arrays and objects', () => {
    const c = diff({ a: [{ b: [{ c: 1 }] }] }, { a: [{ b: [{ c: 2 }] }] })
    expect(c.differences[0]).toMatchObject({ path: 'a[0].b[0].c', pattern: 'a[*].b[*].c', kind: 'changed' })
  })
})

describe('status', () => {
  it('is compared as $status', () => {
    const c = diff({}, {}, {}, [200, 404])
    expect(lines(c)).toEqual(['$status changed'])
    expect(c).toMatchObject({ outcome: 'mismatch', legacyStatus: 200, candidateStatus: 404 })
  })

  it('is not compared with compareStatus: false or ignore $status', () => {
    expect(diff({}, {}, { compareStatus: false }, [200, 404]).outcome).toBe('match')
    expect(diff({}, {}, { ignore: ['$status'] }, [200, 404]).outcome).toBe('match')
  })

  it('bodies are compared even when the status differs', () => {
    expect(lines(diff({ message: 'a' }, { message: 'b' }, {}, [400, 403]))).toEqual(['$status changed', 'message changed'])
  })
})

describe('Difference', () => {
  it('serialises without its raw values', () => {
    const c = diff({ email: 'jane@example.org' }, { email: 'john@example.org' })
    expect(c.differences[0]).toBeInstanceOf(Difference)
    const json = JSON.stringify(c)
    expect(json).not.toContain('example.org')
    expect(JSON.parse(json).differences[0]).toEqual({ path: 'email', pattern: 'email', kind: 'changed' })
  })

  it('compare is pure: the same inputs give the same result, inputs untouched', () => {
    const rules = compileRules({ arraysAsSets: [{ path: 'a', key: 'id' }] })
    const legacy = { status: 200, body: { a: [{ id: 1 }, { id: 2 }] } }
    const candidate = { status: 200, body: { a: [{ id: 2 }, { id: 3 }] } }
    const before = JSON.stringify([legacy, candidate])
    const first = JSON.stringify(compare(legacy, candidate, rules))
    expect(JSON.stringify(compare(legacy, candidate, rules))).toBe(first)
    expect(JSON.stringify([legacy, candidate])).toBe(before)
  })
})
