// Admin tokens of /_proxy/* (the guard itself is src/page/session.ts). ADMIN_TOKEN holds one or more `label:secret` entries separated by
// commas (a bare secret is labelled "admin"); the caller sends a secret, and its label is who
// triage marks and gate overrides are recorded as.
import { timingSafeEqual, createHash } from 'node:crypto'

export type AdminVariables = { adminLabel: string }

/** @example parseAdminTokens('alice:s3cret-long-enough,bob:other-secret-long') */
export function parseAdminTokens(value: string): { label: string; secret: string }[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':')
      return colon > 0 ? { label: entry.slice(0, colon), secret: entry.slice(colon + 1) } : { label: 'admin', secret: entry }
    })
}

/** The label of the admin a bearer header names, or null. */
export function adminLabelFor(authorization: string | undefined, tokens: { label: string; secret: string }[]): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  if (!m) return null
  const given = digest(m[1]!)
  let label: string | null = null
  // Every entry is compared, in constant time each, so timing says nothing about which one matched.
  for (const t of tokens) if (timingSafeEqual(given, digest(t.secret))) label = t.label
  return label
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest()
}
