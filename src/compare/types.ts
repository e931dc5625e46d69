// The nouns the comparison engine shares with its callers: the two sides, the kinds, the outcomes and
// the Comparison. Kept free of logic so the shadow runner, the recorder and the diff review import
// them cheaply (the Difference class lives in difference.ts).

/** What changed at one path. `missing`: legacy has it, the new side does not; `extra`: the reverse. */
export type DiffKind = 'changed' | 'missing' | 'extra' | 'type'
export const DIFF_KINDS = ['changed', 'missing', 'extra', 'type'] as const

/** JSON's own types (`expected[].when` adds `missing` for an absent side). */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object'
export const JSON_TYPES = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const

/**
 * How a comparison ends. The first four are decided from the sides before any diff
 * (see `classifySides`); match / expected / mismatch come from the differences.
 */
export type Outcome = 'match' | 'mismatch' | 'expected' | 'new-error' | 'legacy-error' | 'timeout' | 'skipped'

/**
 * Why a side has no answer to compare. `threw`: the handler raised; `timeout`: its deadline passed;
 * `transport`: the legacy call failed on the network; `skipped`: the caller chose not to compare
 * (concurrency cap, body over the tee cap, sampling).
 */
export type SideErrorKind = 'threw' | 'timeout' | 'transport' | 'skipped'
export type SideError = { kind: SideErrorKind; message?: string }

/**
 * One side's answer as the client would have received it: the status and the parsed JSON body
 * (or the raw text when the body is not JSON), or why there is none.
 */
export type Side = { status: number; body: unknown } | { error: SideError }

export const isSideError = (side: Side): side is { error: SideError } => 'error' in side

/** Where a sensitive value's protection comes from: a route rule, or the built-in key names. */
export type Sensitivity = 'rule' | 'default' | false

/** Segment kinds of a concrete path, shared by the walker, the matcher and the formatter. */
export const SEG_KEY = 0
export const SEG_INDEX = 1
export const SEG_SETKEY = 2
export type SegKind = typeof SEG_KEY | typeof SEG_INDEX | typeof SEG_SETKEY

/**
 * A concrete path kept as parallel arrays so the walker can push and pop without allocating.
 * `redactKey[i]` marks a set-array segment whose key field is personal data (its value is hashed
 * in the stored path).
 */
export type Segments = { kinds: SegKind[]; vals: (string | number)[]; redactKey: boolean[] }

import type { Difference } from './difference.js'

/** The result of comparing the two sides under a route's rules (Scientist's Result). */
export type Comparison = {
  outcome: Outcome
  /** Every difference that was not ignored, expected ones flagged with their reason. */
  differences: Difference[]
  /**
   * Short stable id of the diff's shape, for grouping: a hash of `signatureKeys`. Null when there is
   * nothing to group (match, errors, skipped).
   */
  signature: string | null
  /** Sorted `pattern:kind` entries (status entries carry the pair, `$status:changed:200>404`). */
  signatureKeys: string[]
  legacyStatus?: number
  candidateStatus?: number
  /** Set for the outcomes decided by a side's error. */
  error?: { side: 'legacy' | 'candidate'; kind: SideErrorKind | 'status'; message?: string }
}
