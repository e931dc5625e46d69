// Legacy spellings that phase 1's mapping normalises to one canonical value, enumerated, because the
// comparison rules can only name values (equals / oneOf), not patterns: each list pairs the spellings
// legacy may hold with the value the organization-backed answer gives for them.

/** Whitespace-only strings the mapping reads as blank (its trim set: space, tab, CR, LF), up to 3 long. */
export function blankSpellings(): string[] {
  const out = ['']
  let layer = ['']
  for (let n = 1; n <= 3; n++) {
    layer = layer.flatMap((s) => [' ', '\t', '\n', '\r'].map((ch) => s + ch))
    out.push(...layer)
  }
  return out
}

/** Every upper/lower casing of `word`. */
export function casings(word: string): string[] {
  let out = ['']
  for (const ch of word) {
    const forms = ch.toLowerCase() === ch.toUpperCase() ? [ch] : [ch.toLowerCase(), ch.toUpperCase()]
    out = out.flatMap((s) => forms.map((f) => s + f))
  }
  return out
}

/** The usual casings of a word: lower, Title and UPPER (a long word has too many to list them all). */
export function commonCasings(word: string): string[] {
  const lower = word.toLowerCase()
  return [...new Set([lower, lower.charAt(0).toUpperCase() + lower.slice(1), word.toUpperCase()])]
}

/** Each spelling as typed, and with a space before, after, or both (the mapping trims them). */
export function padded(spellings: readonly string[]): string[] {
  return spellings.flatMap((s) => [s, ` ${s}`, `${s} `, ` ${s} `])
}

/**
 * The M/D/YYYY spellings (with and without leading zeros) of every day of the given years: the mapping
 * turns them into YYYY-MM-DD.
 */
export function usDateSpellings(fromYear: number, toYear: number): string[] {
  const out: string[] = []
  for (let t = Date.UTC(fromYear, 0, 1); t < Date.UTC(toYear + 1, 0, 1); t += 86_400_000) {
    const d = new Date(t)
    const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]
    for (const mm of new Set([String(m), String(m).padStart(2, '0')]))
      for (const dd of new Set([String(day), String(day).padStart(2, '0')])) out.push(`${mm}/${dd}/${y}`)
  }
  return out
}

/** USPS codes of the states, DC and the territories: the state values the rules pair casings for. */
export const US_STATE_CODES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA',
  'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'DC', 'PR', 'GU', 'VI', 'AS', 'MP',
] as const
