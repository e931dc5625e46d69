// The comparison engine's surface: rules in, compiled once; two sides in, a Comparison out; a
// stored, redacted form for the recorder. Everything else in this folder is internal.
export { compare } from './compare.js'
export { compileRules, type CompiledRules } from './compile.js'
export { classifySides, outcomeOf, type SideVerdict } from './outcome.js'
export { parsePattern, PatternError, type Pattern } from './pattern.js'
export { createHasher, hashValue, redact, type Hasher } from './redact.js'
export {
  defineRules,
  parseRules,
  RulesError,
  type CompareRules,
  type CompareRulesInput,
  type ExpectedRule,
  type ValueCondition,
} from './rules.js'
export { DEFAULT_SENSITIVE_KEYS, isDefaultSensitiveKey } from './sensitive.js'
export { expectedRulesFor, signatureKeys, signatureOf } from './signature.js'
export {
  storedComparison,
  type StoreOptions,
  type StoredComparison,
  type StoredDifference,
  type StoredValue,
} from './stored.js'
export { Difference } from './difference.js'
export {
  DIFF_KINDS,
  isSideError,
  type Comparison,
  type DiffKind,
  type JsonType,
  type Outcome,
  type Sensitivity,
  type Side,
  type SideError,
  type SideErrorKind,
} from './types.js'
export { assertJson, CompareInputError } from './validate.js'
