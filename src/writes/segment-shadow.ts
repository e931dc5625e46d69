// How the segment writes are shadowed: the update and delete keep the raw row before legacy runs (its
// before-image), the undo puts it back (or removes legacy's new segment), and both sides' segments are
// read back as gp-api serialises them, with their organization, as the writing organization may see them.
import type { Sql, TransactionSql } from '../db/index.js'
import type { LegacyAnswer, WriteInput, WriteShadow } from '../routes/types.js'
import { visibleTo } from '../voter-filters/index.js'
import { rawSegment, readSegment, reinsertSegment, removeSegment, restoreSegment } from './segment-sql.js'

/**
 * The segment a write left. `as`: the kind of the organization that wrote it, whose view is compared (a
 * serve organization's write is read back without the party fields it may neither see nor set); legacy's
 * writes have none and are read back whole.
 */
export type SegmentKeys = { filterId: number; as?: 'win' | 'serve' }

/** A segment id from the path, as an int4 (anything else names no segment). */
function pathId(input: WriteInput): number | null {
  const raw = input.params.id ?? ''
  if (!/^-?\d+$/.test(raw)) return null
  const id = Number(raw)
  return id >= -2147483648 && id <= 2147483647 ? id : null
}

/** The segment id of a legacy answer with the given status. */
function answeredId(legacy: LegacyAnswer, status: number): number | null {
  const id = (legacy.json as { id?: unknown } | null)?.id
  return legacy.status === status && typeof id === 'number' && Number.isInteger(id) ? id : null
}

/** A before-image, when the hook took one (the raw row, as `to_jsonb` gives it). */
const image = (before: unknown) => (before && typeof before === 'object' ? (before as Record<string, unknown>) : null)

/** What a segment write left: the row in the answer's shape, or a marker that it is gone. */
export async function readSegmentBack(db: TransactionSql, keys: SegmentKeys): Promise<unknown> {
  const row = await readSegment(db, keys.filterId)
  return row ? visibleTo(keys.as ?? 'win', row) : { id: keys.filterId, exists: false }
}

const beforeImage = async (db: Sql, input: WriteInput) => {
  const id = pathId(input)
  return id === null ? null : rawSegment(db, id)
}

export const segmentCreateShadow: WriteShadow<SegmentKeys> = {
  legacyWrote: (_input, legacy) => {
    const id = answeredId(legacy, 201)
    return id === null ? null : { filterId: id }
  },
  async undo(tx, _input, legacy) {
    const id = answeredId(legacy, 201)
    if (id !== null) await removeSegment(tx, id)
  },
  readBack: readSegmentBack,
}

export const segmentUpdateShadow: WriteShadow<SegmentKeys> = {
  before: beforeImage,
  legacyWrote: (_input, legacy) => {
    const id = answeredId(legacy, 200)
    return id === null ? null : { filterId: id }
  },
  async undo(tx, _input, legacy, before) {
    const row = image(before)
    if (row && answeredId(legacy, 200) === row.id) await restoreSegment(tx, row)
  },
  readBack: readSegmentBack,
}

export const segmentDeleteShadow: WriteShadow<SegmentKeys> = {
  before: beforeImage,
  // A 204 has no body: the segment is the one the path named.
  legacyWrote: (input, legacy) => {
    const id = legacy.status === 204 ? pathId(input) : null
    return id === null ? null : { filterId: id }
  },
  async undo(tx, input, legacy, before) {
    const row = image(before)
    if (legacy.status === 204 && row && row.id === pathId(input)) await reinsertSegment(tx, row)
  },
  readBack: readSegmentBack,
}
