// Inputs that are not JSON are refused with a clear error instead of a wrong diff or a stack
// overflow; large inputs finish quickly.
import { describe, expect, it } from 'vitest'
import { assertJson, CompareInputError, compare, compileRules } from '../../src/compare/index.js'
import { diff } from './helpers.js'

const rules = compileRules({})
const run = (a: unknown, b: unknown) => () => compare({ status: 200, body: a }, { status: 200, body: b }, rules)

describe('non-JSON input', () => {
  it.each([
    ['a Date', { at: new Date(0) }, 'a Date is not plain JSON', 'at'],
    ['a Map', { m: new Map() }, 'a Map is not plain JSON', 'm'],
    ['a class instance', { x: [new (class Thing {})()] }, 'a Thing is not plain JSON', 'x[0]'],
    ['NaN', { n: Number.NaN }, 'NaN is not a JSON number', 'n'],
    ['Infinity', { n: [Infinity] }, 'Infinity is not a JSON number', 'n[0]'],
    ['a BigInt', { n: 1n }, 'a bigint is not JSON', 'n'],
    ['a function', { f: () => 1 }, 'a function is not JSON', 'f'],
    ['a symbol', { s: Symbol('x') }, 'a symbol is not JSON', 's'],
  ])('%s in the candidate body is refused, with its path', (_, body, problem, path) => {
    const legacy = JSON.parse(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? 1 : v)) ?? '{}')
    let err: unknown
    try {
      run(legacy, body)()
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CompareInputError)
    expect(err).toMatchObject({ side: 'candidate', path })
    expect((err as Error).message).toContain(problem)
  })

  it('is found inside a value that is missing or extra as a whole', () => {
    expect(run({}, { added: { at: new Date() } })).toThrow(/candidate body is not JSON at added\.at: a Date/)
    expect(run({ gone: [1, Number.NaN] }, {})).toThrow(/legacy body is not JSON at gone\[1\]: NaN/)
  })

  it('undefined or holes in arrays are refused', () => {
    expect(run([1], [undefined])).toThrow(CompareInputError)
    // eslint-disable-next-line no-sparse-arrays
    expect(run([], [1, , 3])).toThrow(/\[1\]: undefined or a hole/)
    const bySet = { arraysAsSets: [{ path: 'f', key: 'id' }] }
    expect(() => diff({ f: [{ id: 1 }] }, { f: [undefined] }, bySet)).toThrow(CompareInputError)
  })

  it('a cyclic body is refused as cyclic, without overflowing the stack', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    const b: Record<string, unknown> = { name: 'a' }
    b.self = b
    expect(run(a, b)).toThrow(/legacy body is not JSON at self\.self.*: cyclic structure/)
    expect(() => assertJson(a, 'value')).toThrow(/cyclic structure/)
  })

  it('a cyclic object used as a set key is refused cleanly', () => {
    const key: Record<string, unknown> = {}
    key.self = key
    const bySet = { arraysAsSets: [{ path: 'f', key: 'id' }, { path: 'g' }] }
    expect(() => diff({ f: [{ id: 1 }] }, { f: [{ id: key }] }, bySet)).toThrow(/candidate body is not JSON.*cyclic/)
    expect(() => diff({ g: [key] }, { g: [] }, bySet)).toThrow(/legacy body is not JSON.*cyclic/)
  })

  it('the same cyclic object on both sides is equal by reference and never walked', () => {
    const a: Record<string, unknown> = {}
    a.self = a
    expect(run(a, a)().outcome).toBe('match')
  })

  it('absurd nesting is refused', () => {
    let deepA: unknown = 1
    let deepB: unknown = 2
    for (let i = 0; i < 5_000; i++) {
      deepA = [deepA]
      deepB = [deepB]
    }
    expect(run(deepA, deepB)).toThrow(/nested deeper than 256/)
  })

  it('ignored subtrees are never read, so they may hold anything', () => {
    const ignoreRaw = compileRules({ ignore: ['raw'] })
    const c = compare({ status: 200, body: { a: 1, raw: new Date() } }, { status: 200, body: { a: 1, raw: 1n } }, ignoreRaw)
    expect(c.outcome).toBe('match')
  })
})

describe('large inputs', () => {
  const big = (n: number, change: (i: number) => number) => ({
    items: Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}`, value: change(i), tags: ['a', 'b'] })),
  })

  /**
   * CPU milliseconds of the first (cold) and a later (warm) run. CPU time, not wall time: CI boxes
   * are shared, and the bounds only need to catch a blow-up (a quadratic walk takes seconds here).
   */
  function timed(f: () => void): { cold: number; warm: number } {
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since)
      return (u.user + u.system) / 1_000
    }
    let start = process.cpuUsage()
    f()
    const cold = cpuMs(start)
    f()
    start = process.cpuUsage()
    f()
    return { cold, warm: cpuMs(start) }
  }

  it('10k-element arrays by index', () => {
    const a = big(10_000, (i) => i)
    const b = big(10_000, (i) => (i % 1000 === 0 ? -1 : i))
    const rules = compileRules({ ignore: ['**.updatedAt'] })
    let c = diff({}, {})
    const t = timed(() => (c = compare({ status: 200, body: a }, { status: 200, body: b }, rules)))
    expect(c.differences).toHaveLength(10)
    expect(c.signatureKeys).toEqual(['items[*].value:changed'])
    expect(t.cold).toBeLessThan(2_000)
    expect(t.warm).toBeLessThan(500)
  })

  it('10k-element arrays as sets, reversed, one added', () => {
    const a = big(10_000, (i) => i)
    const b = big(10_000, (i) => i)
    b.items.reverse()
    b.items.push({ id: 10_000, name: 'new', value: 0, tags: [] })
    const rules = compileRules({ arraysAsSets: [{ path: 'items', key: 'id' }] })
    let c = diff({}, {})
    const t = timed(() => (c = compare({ status: 200, body: a }, { status: 200, body: b }, rules)))
    expect(c.differences.map((d) => `${d.path} ${d.kind}`)).toEqual(['items[id=10000] extra'])
    expect(t.cold).toBeLessThan(2_000)
    expect(t.warm).toBeLessThan(500)
  })

  it('10k differences are all reported', () => {
    const rules = compileRules({})
    const [a, b] = [big(10_000, (i) => i), big(10_000, (i) => i + 1)]
    let c = diff({}, {})
    const t = timed(() => (c = compare({ status: 200, body: a }, { status: 200, body: b }, rules)))
    expect(c.differences).toHaveLength(10_000)
    expect(c.signatureKeys).toEqual(['items[*].value:changed'])
    expect(t.warm).toBeLessThan(1_000)
  })
})
