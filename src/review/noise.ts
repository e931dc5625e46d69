// The noise baseline's verdict, as Diffy draws it: legacy compared with itself shows which fields
// differ on their own (timestamps, ordering, caches), and a field path counts as a mismatch only when
// its rate against the new handler beats its rate against legacy by a relative AND an absolute margin.

/** Margins as fractions. Diffy's defaults: 20 % relative, 0.03 % absolute. */
export type NoiseThresholds = { relative: number; absolute: number }
export const DEFAULT_NOISE_THRESHOLDS: NoiseThresholds = { relative: 0.2, absolute: 0.0003 }

export type FieldVerdict = {
  /** The signature key: `pattern:kind` (status keys also carry the codes). */
  key: string
  path: string
  kind: string
  /** Comparisons (shadow and verify) whose differences include this key, and their share of compared. */
  raw: number
  rawRate: number
  /** The same among the noise comparisons (legacy against legacy). */
  noise: number
  noiseRate: number
  /** rawRate − noiseRate. */
  absolute: number
  /** (rawRate − noiseRate) / (rawRate + noiseRate): Diffy's relative difference, 1 without noise. */
  relative: number
  /**
   * `mismatch`: beats its noise by both margins. `noise`: legacy differs from itself about as often.
   * `rare`: no noise seen, but its rate is under the absolute margin (Diffy drops these too).
   */
  verdict: 'mismatch' | 'noise' | 'rare'
}

/**
 * Judges one field path. Rates, not counts, are compared because the noise baseline is a sample.
 * @example classifyField('data.updatedAt:changed', { raw: 40, rawTotal: 100, noise: 4, noiseTotal: 10 }).verdict // 'noise'
 */
export function classifyField(
  key: string,
  n: { raw: number; rawTotal: number; noise: number; noiseTotal: number },
  t: NoiseThresholds = DEFAULT_NOISE_THRESHOLDS,
): FieldVerdict {
  const rawRate = n.rawTotal ? n.raw / n.rawTotal : 0
  const noiseRate = n.noiseTotal ? n.noise / n.noiseTotal : 0
  const absolute = rawRate - noiseRate
  const relative = rawRate + noiseRate > 0 ? absolute / (rawRate + noiseRate) : 0
  const real = rawRate > noiseRate && relative > t.relative && absolute > t.absolute
  const { path, kind } = splitSignatureKey(key)
  const verdict = real ? 'mismatch' : n.noise > 0 ? 'noise' : 'rare'
  return { key, path, kind, raw: n.raw, rawRate, noise: n.noise, noiseRate, absolute, relative, verdict }
}

/** `details.state:changed` → path and kind; `$status:changed:200>404` keeps the codes with the kind. */
export function splitSignatureKey(key: string): { path: string; kind: string } {
  const m = /^(.*):(changed|missing|extra|type)((?::\d{3}>\d{3})?)$/.exec(key)
  return m ? { path: m[1]!, kind: m[2]! + m[3]! } : { path: key, kind: '' }
}

/** Checks thresholds given on a command line or a query string (fractions, or percentages with %). */
export function parseThreshold(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback
  const pct = text.trim().endsWith('%')
  const n = Number(pct ? text.trim().slice(0, -1) : text)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number (0.2 or 20%), got ${JSON.stringify(text)}`)
  return pct ? n / 100 : n
}
