// Rejects values that are not JSON: a handler's Date, Map, BigInt, NaN or cyclic object would
// otherwise be compared as something the client never receives, or recurse until the stack ends.
// The walk checks each node it reads (no second pass over the bodies); assertJson checks whole values.
import { formatKey } from './path.js'
import type { JsonType } from './types.js'

export type InputSide = 'legacy' | 'candidate' | 'value'

/** Deeper than any real API body; deep enough that a cycle is found long before the stack runs out. */
export const MAX_DEPTH = 256

export class CompareInputError extends Error {
  path = ''
  constructor(
    readonly side: InputSide,
    readonly problem: string,
  ) {
    super('')
    this.name = 'CompareInputError'
    this.at('')
  }

  /** Sets the path; `prepend` builds it while the error unwinds, so it costs nothing when all is well. */
  at(path: string): this {
    this.path = path.replace(/^\./, '')
    const what = this.side === 'value' ? 'value' : `${this.side} body`
    this.message = `${what} is not JSON${this.path && this.path !== '$' ? ` at ${this.path}` : ''}: ${this.problem}`
    return this
  }

  prepend(segment: string): void {
    this.at(segment + this.path.replace(/^(?=[A-Za-z_])/, '.'))
  }
}

/** The JSON type of a value, or undefined when JSON.parse could not have produced it. */
export function jsonType(v: unknown): JsonType | undefined {
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'boolean'
    case 'number':
      return Number.isFinite(v) ? 'number' : undefined
    case 'object': {
      if (v === null) return 'null'
      if (Array.isArray(v)) return 'array'
      const proto: unknown = Object.getPrototypeOf(v)
      return proto === Object.prototype || proto === null ? 'object' : undefined
    }
    default:
      return undefined
  }
}

/** Why `jsonType(v)` is undefined, in words for the error. */
export function notJson(v: unknown): string {
  if (typeof v === 'number') return `${v} is not a JSON number`
  if (typeof v !== 'object' || v === null) return `a ${typeof v} is not JSON`
  const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'exotic object'
  return `a ${name} is not plain JSON (serialise it as the response would)`
}

/**
 * Throws CompareInputError unless `value` is what JSON.parse could produce. An object property that
 * is `undefined` counts as absent (JSON.stringify drops it); `undefined` as the whole value means none.
 */
export function assertJson(value: unknown, side: InputSide, path = ''): void {
  if (value === undefined) return
  try {
    check(value, side, [])
  } catch (err) {
    if (err instanceof CompareInputError && path) err.prepend(path)
    throw err
  }
}

function check(v: unknown, side: InputSide, ancestors: object[]): void {
  const t = jsonType(v)
  if (t === undefined) throw new CompareInputError(side, notJson(v))
  if (t !== 'array' && t !== 'object') return
  if (ancestors.length >= MAX_DEPTH) {
    const problem = ancestors.includes(v as object) ? 'cyclic structure' : `nested deeper than ${MAX_DEPTH}`
    throw new CompareInputError(side, problem)
  }
  ancestors.push(v as object)
  if (t === 'array') checkArray(v as unknown[], side, ancestors)
  else checkObject(v as Record<string, unknown>, side, ancestors)
  ancestors.pop()
}

function checkArray(a: unknown[], side: InputSide, ancestors: object[]): void {
  for (let i = 0; i < a.length; i++) {
    try {
      if (a[i] === undefined) throw new CompareInputError(side, 'undefined or a hole in an array')
      check(a[i], side, ancestors)
    } catch (err) {
      if (err instanceof CompareInputError) err.prepend(`[${i}]`)
      throw err
    }
  }
}

function checkObject(o: Record<string, unknown>, side: InputSide, ancestors: object[]): void {
  for (const k of Object.keys(o)) {
    try {
      if (o[k] !== undefined) check(o[k], side, ancestors)
    } catch (err) {
      if (err instanceof CompareInputError) err.prepend(formatKey(k, true))
      throw err
    }
  }
}
