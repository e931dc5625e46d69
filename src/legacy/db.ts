// How the stand-in reads and writes rows so that its JSON is what NestJS + Prisma would send: the
// column lists, the key renames and the one timestamp rule, kept in SQL so no process time zone leaks in.
import type postgres from 'postgres'
import { FILTER_ARRAY_FIELDS, FILTER_BOOLEAN_FIELDS } from '../domain/index.js'

/** The one `sql`, or the transaction of `sql.begin`: every query helper takes either. */
export type Db = postgres.ISql

export type JsonObject = { [key: string]: unknown }

/**
 * Prisma reads `timestamp(3)` columns as UTC and JSON.stringify prints Date.toISOString(): always
 * milliseconds and `Z`. Rendering in SQL keeps postgres.js from reading them in the local zone.
 */
export const TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'
/** A `date` column read by Prisma is a Date at UTC midnight, so full rows print it this way. */
export const DATE_ISO_FORMAT = 'YYYY-MM-DD"T"00:00:00.000"Z"'
/** gp-api formats the office dates of its POST answer as plain calendar dates. */
export const DATE_FORMAT = 'YYYY-MM-DD'

/**
 * A jsonb parameter. Never `${JSON.stringify(v)}::jsonb`: postgres.js serialises a parameter by the
 * type the server infers, so a pre-stringified value would be stored as one JSON string.
 */
export const jsonb = (db: Db, value: unknown) => db.json(value as postgres.JSONValue)

/** Writes store UTC wall-clock time, as Prisma's `@updatedAt` does, whatever the session's TimeZone. */
export const nowUtc = (db: Db) => db`(now() AT TIME ZONE 'UTC')`

export type CampaignJson = {
  id: number
  slug: string
  isActive: boolean
  isPro: boolean | null
  isDemo: boolean
  didWin: boolean | null
  tier: string | null
  data: unknown
  details: unknown
  userId: number
  createdAt: string
  updatedAt: string
}

export type PathToVictoryJson = { id: number; campaignId: number; data: unknown; createdAt: string; updatedAt: string }

/** Campaign columns in table order, Prisma's names; for a query over `campaign` aliased `c`. */
export const campaignColumns = (db: Db) => db`
  c.id, c.slug, c."isActive", c."isPro", c."isDemo", c."didWin", c.tier, c.data, c.details,
  c.user_id AS "userId",
  to_char(c.created_at, ${TIMESTAMP_FORMAT}) AS "createdAt",
  to_char(c.updated_at, ${TIMESTAMP_FORMAT}) AS "updatedAt"`

/** `include: { pathToVictory: true }` for a `path_to_victory` aliased `p` left-joined: an object or null. */
export const pathToVictoryColumn = (db: Db) => db`
  CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object(
    'id', p.id,
    'campaignId', p.campaign_id,
    'data', p.data,
    'createdAt', to_char(p.created_at, ${TIMESTAMP_FORMAT}),
    'updatedAt', to_char(p.updated_at, ${TIMESTAMP_FORMAT})
  ) END AS "pathToVictory"`

/** Every `voter_file_filter` column except the renamed ones, in table order. */
export const FILTER_COLUMNS = [...FILTER_BOOLEAN_FIELDS, ...FILTER_ARRAY_FIELDS, 'voterCount'] as const

export type FilterJson = JsonObject & { id: number; name: string | null; campaignId: number }

/** A whole filter row as Prisma serialises it. */
export const filterColumns = (db: Db) => db`
  id, name, ${db(FILTER_COLUMNS as unknown as string[])},
  campaign_id AS "campaignId",
  to_char(created_at, ${TIMESTAMP_FORMAT}) AS "createdAt",
  to_char(updated_at, ${TIMESTAMP_FORMAT}) AS "updatedAt"`

export type ElectedOfficeJson = {
  id: string
  electedDate: string | null
  swornInDate: string | null
  termStartDate: string | null
  termEndDate: string | null
  termLengthDays: number | null
  isActive: boolean
  userId: number
  campaignId: number
  createdAt: string
  updatedAt: string
}

/** A whole `elected_office` row as Prisma serialises it (GET current). */
export const electedOfficeColumns = (db: Db) => db`
  id,
  to_char("electedDate", ${DATE_ISO_FORMAT}) AS "electedDate",
  to_char("swornInDate", ${DATE_ISO_FORMAT}) AS "swornInDate",
  to_char("termStartDate", ${DATE_ISO_FORMAT}) AS "termStartDate",
  to_char("termEndDate", ${DATE_ISO_FORMAT}) AS "termEndDate",
  "termLengthDays", "isActive",
  user_id AS "userId", campaign_id AS "campaignId",
  to_char(created_at, ${TIMESTAMP_FORMAT}) AS "createdAt",
  to_char(updated_at, ${TIMESTAMP_FORMAT}) AS "updatedAt"`
