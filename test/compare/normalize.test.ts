// Opt-in normalisations: number tolerance, numbers written as strings, and instants.
import { describe, expect, it } from 'vitest'
import { toInstant } from '../../src/compare/normalize.js'
import { diff, lines } from './helpers.js'

describe('numberTolerance', () => {
  it('abs: equal within the absolute bound', () => {
    const rules = { numberTolerance: [{ path: 'data.winNumber', abs: 1 }] }
    expect(diff({ data: { winNumber: 100 } }, { data: { winNumber: 101 } }, rules).outcome).toBe('match')
    expect(lines(diff({ data: { winNumber: 100 } }, { data: { winNumber: 101.5 } }, rules))).toEqual(['data.winNumber changed'])
  })

  it('rel: equal within a share of the larger magnitude', () => {
    const rules = { numberTolerance: [{ path: '**.turnout', rel: 0.01 }] }
    expect(diff({ a: { turnout: 1000 } }, { a: { turnout: 1010 } }, rules).outcome).toBe('match')
    expect(diff({ turnout: -1000 }, { turnout: -990 }, rules).outcome).toBe('match')
    expect(lines(diff({ turnout: 1000 }, { turnout: 1011 }, rules))).toEqual(['turnout changed'])
    expect(lines(diff({ turnout: 0 }, { turnout: 0.001 }, rules))).toEqual(['turnout changed'])
  })

  it('abs and rel: whichever allows more', () => {
    const rules = { numberTolerance: [{ path: 'x', abs: 0.5, rel: 0.1 }] }
    expect(diff({ x: 0 }, { x: 0.4 }, rules).outcome).toBe('match')
    expect(diff({ x: 100 }, { x: 109 }, rules).outcome).toBe('match')
  })

  it('applies only at its paths; the deepest rule wins', () => {
    const rules = { numberTolerance: [{ path: 'data', abs: 10 }, { path: 'data.exact', abs: 0 }] }
    expect(lines(diff({ data: { a: 1, exact: 1 }, b: 1 }, { data: { a: 5, exact: 2 }, b: 2 }, rules))).toEqual([
      'data.exact changed',
      'b changed',
    ])
  })

  it('does not compare numeric strings numerically unless a rule says so', () => {
    expect(lines(diff({ x: '100' }, { x: 100 }, { numberTolerance: [{ path: 'x', abs: 1 }] }))).toEqual(['x type'])
  })
})

describe('numericStrings', () => {
  const rules = { numericStrings: ['details.officeTermLength'] }
  it.each([
    ['4', 4],
    ['4.0', 4],
    [' 4 ', '4'],
    ['4e0', '4'],
  ])('%j equals %j where the rule applies', (a, b) => {
    expect(diff({ details: { officeTermLength: a } }, { details: { officeTermLength: b } }, rules).outcome).toBe('match')
  })

  it('a different number is changed (not a type difference)', () => {
    expect(lines(diff({ details: { officeTermLength: '4' } }, { details: { officeTermLength: 2 } }, rules))).toEqual([
      'details.officeTermLength changed',
    ])
  })

  it('a string that is not a number stays a type difference; elsewhere "4" vs 4 is a type difference', () => {
    expect(lines(diff({ details: { officeTermLength: 'four' } }, { details: { officeTermLength: 4 } }, rules))).toEqual([
      'details.officeTermLength type',
    ])
    expect(lines(diff({ details: { other: '4' } }, { details: { other: 4 } }, rules))).toEqual(['details.other type'])
  })

  it('combines with a tolerance', () => {
    const both = { numericStrings: ['x'], numberTolerance: [{ path: 'x', abs: 0.01 }] }
    expect(diff({ x: '1.005' }, { x: 1 }, both).outcome).toBe('match')
  })
})

describe('dates', () => {
  const rules = { dates: ['**.electionDate', 'createdAt'] }
  it.each([
    ['2024-11-05', '2024-11-05T00:00:00.000Z'],
    ['2024-11-05T00:00:00Z', '2024-11-05T00:00:00.000Z'],
    ['2024-11-05T00:00:00', '2024-11-05T00:00:00Z'],
    ['2024-11-04T19:00:00-05:00', '2024-11-05T00:00:00Z'],
    ['2024-11-05T05:30:00+0530', '2024-11-05T00:00:00Z'],
    ['2024-11-05 00:00:00.000+00', '2024-11-05'],
    ['2024-11-05T00:00:00.000123Z', '2024-11-05T00:00:00Z'],
    [Date.UTC(2024, 10, 5), '2024-11-05'],
  ])('%j equals %j as an instant', (a, b) => {
    expect(diff({ details: { electionDate: a } }, { details: { electionDate: b } }, rules).outcome).toBe('match')
  })

  it('different instants are changed, with the raw values kept', () => {
    const c = diff({ createdAt: '2024-11-05' }, { createdAt: '2024-11-06T00:00:00Z' }, rules)
    expect(lines(c)).toEqual(['createdAt changed'])
    expect(c.differences[0]).toMatchObject({ legacy: '2024-11-05', candidate: '2024-11-06T00:00:00Z' })
  })

  it('values that are not instants are compared as they are', () => {
    expect(lines(diff({ createdAt: 'soon' }, { createdAt: '2024-11-05' }, rules))).toEqual(['createdAt changed'])
    expect(lines(diff({ createdAt: null }, { createdAt: '2024-11-05' }, rules))).toEqual(['createdAt type'])
    expect(lines(diff({ createdAt: '2024-02-30' }, { createdAt: '2024-03-01' }, rules))).toEqual(['createdAt changed'])
  })

  it('outside the date paths, strings are compared as text', () => {
    expect(lines(diff({ updatedAt: '2024-11-05' }, { updatedAt: '2024-11-05T00:00:00Z' }, rules))).toEqual(['updatedAt changed'])
  })

  it('toInstant rejects impossible dates and times', () => {
    expect(toInstant('2023-02-29')).toBeUndefined()
    expect(toInstant('2024-02-29')).toBe(Date.UTC(2024, 1, 29))
    expect(toInstant('2024-13-01')).toBeUndefined()
    expect(toInstant('2024-01-01T24:00:00Z')).toBeUndefined()
    expect(toInstant(Number.NaN)).toBeUndefined()
    expect(toInstant(true)).toBeUndefined()
  })
})
