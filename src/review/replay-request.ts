// One stored request replayed: as the stored user (a token signed here), with the stored organization,
// through the engine's replay (both sides, compared under the route's rules and triage's), its verdict
// kept in org_proxy.replay_item.
//
// Signing a JWT for the stored user id with AUTH_SECRET (valid for `tokenTtlS`, 60 s by default) is
// acceptable: only an admin (ADMIN_TOKEN) can start a replay, and every run is recorded with who asked;
// only safe methods (GET, HEAD) are replayed; the token never leaves the proxy and legacy (it goes to
// the in-process handler and to the legacy API, never to the admin); and the proxy already holds the
// secret, since it verifies every request it routes.
import { signJwt } from '../auth/jwt.js'
import type { ReplayerDeps } from './replay.js'

/** A mismatched comparison as replay reads it: what the request was, never what it carried. */
export type StoredRequest = { id: string; route: string; method: string; path: string; query: string; organization_id: string | null; user_id: number | null; signature: string | null }

/** @example await replayStored(deps, runId, source) */
export async function replayStored(deps: Pick<ReplayerDeps, 'sql' | 'engine' | 'routes' | 'authSecret' | 'tokenTtlS'>, runId: string, s: StoredRequest): Promise<void> {
  const { sql } = deps
  const entry = deps.routes.find((r) => r.id === s.route)
  const base = { run_id: runId, comparison_id: s.id, route: s.route, method: s.method, path: s.path, query: s.query, organization_id: s.organization_id, user_id: s.user_id, was_signature: s.signature }
  // Writes are never replayed: running a write twice is not a check.
  const skip = !entry ? 'the route is no longer in the route table' : s.method !== 'GET' && s.method !== 'HEAD' ? `${s.method} is not replayed` : null
  if (skip) {
    await sql`insert into org_proxy.replay_item ${sql({ ...base, outcome: 'skipped', error: skip })} on conflict do nothing`
    return
  }
  const headers: Record<string, string> = { accept: 'application/json' }
  const now = Math.floor(Date.now() / 1000)
  if (s.user_id !== null) headers.authorization = `Bearer ${signJwt({ sub: s.user_id, purpose: 'org-proxy replay', exp: now + (deps.tokenTtlS ?? 60) }, deps.authSecret, now)}`
  if (s.organization_id) headers['x-organization-id'] = s.organization_id
  try {
    const row = await deps.engine.replay(entry!, {
      method: s.method,
      path: s.query ? `${s.path}?${s.query}` : s.path,
      headers,
      body: null,
      ...(s.organization_id ? { organizationId: s.organization_id } : {}),
      ...(s.user_id !== null ? { userId: s.user_id } : {}),
    })
    await sql`insert into org_proxy.replay_item ${sql({
      ...base,
      outcome: row.outcome,
      signature: row.signature ?? null,
      signature_keys: row.signature_keys ?? null,
      legacy_status: row.legacy_status ?? null,
      new_status: row.new_status ?? null,
      error: row.error ?? null,
    })} on conflict do nothing`
  } catch (err) {
    await sql`insert into org_proxy.replay_item ${sql({ ...base, outcome: 'new-error', error: String((err as Error).message).slice(0, 500) })} on conflict do nothing`
  }
}
