// The personal data the engine protects even when a route's rules forget to: key names that hold
// personal data in gp-api rows and L2 voter records, and e-mail addresses inside free text.
//
// Decisions:
// - A key is personal when its name, lower-cased without `_`/`-`, equals or contains one of the
//   lists below, so `Voters_FirstName`, `VoterTelephones_CellPhone` and `emailAddress` are caught.
// - `name` is a person's name on a user row but a label on a filter, a position or an office, and
//   those labels are what reviewers need to read. So `name` is personal only when its object is a
//   person record: it also has a personal key (email, phone, firstName, ...) holding a value.
//   Routes returning a bare person name declare it in `sensitive`.
// - Booleans and null under these names stay readable: `hasEmail: true` on a filter says whether,
//   not what. Paths declared in a route's `sensitive` rule hash booleans too.
// - City and state stay readable: here they are where an office is, not where a person lives.

/** Whole names (normalised). */
const EXACT = new Set(['dob', 'ssn', 'zip', 'ip', 'cookie', 'apikey', 'authorization', 'jwt'])
/** Parts of names (normalised). */
const CONTAINS = [
  'email',
  'phone',
  'mobile',
  'firstname',
  'lastname',
  'middlename',
  'fullname',
  'username',
  'displayname',
  'givenname',
  'surname',
  'birth',
  'address',
  'street',
  'zipcode',
  'postal',
  'voterid',
  'gender',
  'ethnic',
  'password',
  'secret',
  'token',
]

export const DEFAULT_SENSITIVE_KEYS = { exact: [...EXACT], contains: CONTAINS, conditional: ['name'] } as const

const memo = new Map<string, boolean>()

/** Whether a key's values are personal data by name alone (memoised: keys repeat across bodies). */
export function isDefaultSensitiveKey(key: string): boolean {
  let hit = memo.get(key)
  if (hit === undefined) {
    const n = key.toLowerCase().replace(/[^a-z0-9]/g, '')
    hit = EXACT.has(n) || CONTAINS.some((part) => n.includes(part))
    if (memo.size < 10_000) memo.set(key, hit)
  }
  return hit
}

/** A person record: an object with a personal key that holds something more than a yes/no. */
export function isPersonRecord(obj: unknown): boolean {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return false
  const o = obj as Record<string, unknown>
  for (const k in o) {
    if (k === 'name' || !Object.hasOwn(o, k) || !isDefaultSensitiveKey(k)) continue
    const v = o[k]
    if (typeof v === 'string' || typeof v === 'number' || (typeof v === 'object' && v !== null)) return true
  }
  return false
}

/** Whether the key `key` of `parent` holds personal data by the built-in rules. */
export function isDefaultSensitive(key: string, parentA: unknown, parentB: unknown): boolean {
  if (key === 'name') return isPersonRecord(parentA) || isPersonRecord(parentB)
  return isDefaultSensitiveKey(key)
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g

/**
 * Replaces e-mail addresses inside free text (error messages, keys) with their hash. Phone numbers
 * are not guessed from text: too many ids and dates look like one.
 */
export function scrubEmails(text: string, hash: (raw: string) => string): string {
  return text.includes('@') ? text.replace(EMAIL, (m) => hash(m)) : text
}
