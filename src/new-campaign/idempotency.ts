// The Idempotency-Key ledger of POST /v1/organizations (org_proxy.new_campaign_idempotency, see
// migration 0320): the key checked, the request fingerprinted, the key claimed inside the creating
// transaction, the answer stored with it, and expired rows swept by the same transactions.
import { createHash } from 'node:crypto'
import type { TransactionSql } from '../db/index.js'

/** How long a key holds its answer; after that the key is free again (rows are swept). */
export const KEY_TTL = '24 hours'
/** Expired rows one creating transaction deletes at most (the table only grows by creations). */
const SWEEP_BATCH = 100

// 1–255 printable ASCII characters: a UUID, a ULID or any client token fits; control characters and
// non-ASCII (ambiguous once proxies re-encode headers) do not.
const KEY = /^[\x20-\x7E]{1,255}$/

export type KeyCheck = { ok: true; key: string } | { ok: false; detail: string }

/** @example idempotencyKeyOf(c.req.header('idempotency-key')) // { ok: true, key: '4f0c…' } */
export function idempotencyKeyOf(header: string | undefined): KeyCheck {
  if (header === undefined || header === '') return { ok: false, detail: 'the Idempotency-Key header is required (1–255 printable ASCII characters, e.g. a UUID)' }
  if (!KEY.test(header)) return { ok: false, detail: 'the Idempotency-Key header must be 1–255 printable ASCII characters' }
  return { ok: true, key: header }
}

/**
 * The request's fingerprint: sha256 of its body as canonical JSON (object keys sorted), so the same body
 * sent with its keys in another order is the same request, and any changed value is another one.
 * @example requestHash({ b: 1, a: [2] }) === requestHash({ a: [2], b: 1 })
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v !== null && typeof v === 'object') {
    const entries = Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

/** The answer a key already holds. `body` is the exact JSON text first sent. */
export type StoredAnswer = { requestHash: string; status: number; body: string; organizationId: string | null }

export type Claim = { claimed: true } | { claimed: false; stored: StoredAnswer }

/**
 * Claims (user, key) for this transaction, or answers what the key already holds.
 *
 * The claim is an insert: a concurrent transaction holding the same key uncommitted makes it wait (on
 * the primary key) until that one commits (then the stored answer is read and replayed) or rolls back
 * (then the claim goes through and this one creates). The wait is bounded by the transaction's
 * lock_timeout. An expired row is taken over in the same statement, so the key is usable again.
 */
export async function claimKey(tx: TransactionSql, userId: number, key: string, hash: string): Promise<Claim> {
  // A stored row whose organization was deleted between the two statements would vanish: claim again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await tx`
      INSERT INTO org_proxy.new_campaign_idempotency AS i (user_id, key, request_hash)
      VALUES (${userId}, ${key}, ${hash})
      ON CONFLICT (user_id, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, status = NULL, body = NULL, organization_id = NULL, created_at = now()
        WHERE i.created_at < now() - ${KEY_TTL}::interval
      RETURNING 1`
    if (claimed.length) return { claimed: true }
    // Read committed: this statement's snapshot includes the row the claim just waited for.
    const [row] = await tx<{ request_hash: string; status: number | null; body: string | null; organization_id: string | null }[]>`
      SELECT request_hash, status, body::text AS body, organization_id::text AS organization_id
      FROM org_proxy.new_campaign_idempotency WHERE user_id = ${userId} AND key = ${key}`
    if (row && row.status !== null && row.body !== null) {
      return { claimed: false, stored: { requestHash: row.request_hash, status: row.status, body: row.body, organizationId: row.organization_id } }
    }
    if (row) throw new Error('new_campaign_idempotency: a committed row without its answer (written outside the handler?)')
  }
  throw new Error('new_campaign_idempotency: the key could not be claimed nor read')
}

/**
 * Stores the answer with the claim, in the creating transaction (so both commit or neither). The body
 * goes in as text cast to json: a parameter typed json would be JSON-encoded again by postgres.js.
 */
export async function storeAnswer(tx: TransactionSql, userId: number, key: string, answer: { status: number; body: string; organizationId: string }): Promise<void> {
  await tx`
    UPDATE org_proxy.new_campaign_idempotency
    SET status = ${answer.status}, body = ${answer.body}::text::json, organization_id = ${answer.organizationId}::uuid
    WHERE user_id = ${userId} AND key = ${key}`
}

/**
 * Deletes up to SWEEP_BATCH expired rows. Skips rows another transaction holds (never waits, never
 * deadlocks with a concurrent sweep); creations are what add rows, so sweeping on each keeps the table
 * near one day of creations. Correctness does not depend on it: claimKey ignores expired rows.
 */
export async function sweepExpired(tx: TransactionSql): Promise<number> {
  const rows = await tx`
    DELETE FROM org_proxy.new_campaign_idempotency i
    USING (
      SELECT user_id, key FROM org_proxy.new_campaign_idempotency
      WHERE created_at < now() - ${KEY_TTL}::interval
      ORDER BY created_at LIMIT ${SWEEP_BATCH}
      FOR UPDATE SKIP LOCKED
    ) old
    WHERE i.user_id = old.user_id AND i.key = old.key`
  return rows.count
}
