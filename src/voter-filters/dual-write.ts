// The write path of segments (flag org.voter-filters): after gp-api created a segment in the caller's
// campaign, the proxy sets its organization: the X-Organization-Id organization when it is the caller's
// (of that campaign), else the caller's default. The outbox redoes it the same way on failure.
import { ORGANIZATION_ID } from '../engine/routing-context.js'
import type { TransactionSql } from '../db/index.js'
import type { DualWrite, DualWriteInput } from '../routes/types.js'
import { assignFilterOrganization } from './sql.js'

export const VOTER_FILTER_CREATE = 'voter-filters.create'

/** What redoing the assignment needs (durable in the outbox: ids only, never the segment). */
export type AssignPayload = { userId: number; filterId: number; organizationId?: string }

/** The payload from the request and gp-api's answer alone (no database: the outbox may call it when the database failed). */
export function assignPayload(input: Pick<DualWriteInput, 'userId' | 'organizationId' | 'legacy'>): AssignPayload | null {
  const id = (input.legacy.json as { id?: unknown } | null)?.id
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2147483647) return null
  const p: AssignPayload = { userId: input.userId, filterId: id }
  // Only a well-formed id is kept; ownership is checked by the assignment itself.
  if (input.organizationId && ORGANIZATION_ID.test(input.organizationId)) p.organizationId = input.organizationId.toLowerCase()
  return p
}

export async function redoAssign(tx: TransactionSql, p: AssignPayload) {
  return assignFilterOrganization(tx, { userId: p.userId, filterId: p.filterId, requested: p.organizationId })
}

/** @example { kind: 'dual-write', dualWrite: assignCreatedFilter, ... } */
export const assignCreatedFilter: DualWrite = async function voterFilterDualWrite(input, { sql }) {
  const payload = assignPayload(input)
  if (!payload) return { organizationIds: [], note: 'gp-api answered no segment id' }
  const r = (await sql.begin((tx) => redoAssign(tx, payload))) as Awaited<ReturnType<typeof redoAssign>>
  if (!r.organizationId) return { organizationIds: [], note: 'no organization of the caller for this campaign yet: the voter-filters backfill assigns it' }
  const note = payload.organizationId && payload.organizationId !== r.organizationId ? 'X-Organization-Id is not one of the caller’s organizations of this campaign: default used' : undefined
  return { organizationIds: [r.organizationId], ...(note ? { note } : {}) }
}

/** For the outbox (`createOutbox(sql, { handlers: { ...PHASE1_OUTBOX_HANDLERS, ...PHASE2_OUTBOX_HANDLERS } })`). */
export const PHASE2_OUTBOX_HANDLERS = {
  [VOTER_FILTER_CREATE]: {
    payload: (input: DualWriteInput) => assignPayload(input) ?? { userId: input.userId },
    redo: async (tx: TransactionSql, payload: Record<string, unknown>) => {
      const p = payload as Partial<AssignPayload>
      // An item without a segment id can only be repaired by the backfill (it assigns every NULL).
      if (typeof p.filterId !== 'number' || typeof p.userId !== 'number') return null
      return redoAssign(tx, p as AssignPayload)
    },
  },
} as const
