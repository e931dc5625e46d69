// The one test that proves the set-based SQL mapping (mapping-sql.ts) and the TypeScript mapping
// (mapping.ts) agree: every field, the outcome and the invalid paths, on a few thousand generated messy
// rows and on hand-made edge cases the generator never writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIELD_SPECS, MAPPED_COLUMNS, mapLegacyRows, mappingLateral, type OrganizationFields } from '../../src/organizations/index.js'
import { onPostgres, phase1Database, type Phase1Database } from './harness.js'

let db: Phase1Database
beforeAll(async () => {
  // A few thousand messy rows; fewer on the embedded database, where seeding is the slow part.
  db = await phase1Database({ users: onPostgres ? 4000 : 2500, seed: 11 })
})
afterAll(() => db?.close())

const SELECT_MAPPED = FIELD_SPECS.map((f) => (f.rule === 'date' ? `to_char(om_v.${f.column}, 'YYYY-MM-DD') AS ${f.column}` : `om_v.${f.column}`))
  .concat(['om.outcome', 'om.invalid'])
  .join(', ')

type SqlMapped = OrganizationFields & { outcome: string; invalid: string[] }

function sqlSide(r: SqlMapped) {
  const fields = Object.fromEntries(FIELD_SPECS.map((f) => [f.column, r[f.column]]))
  return { fields, outcome: r.outcome, invalid: [...r.invalid].sort() }
}

describe('SQL mapping = TypeScript mapping', () => {
  it('agrees on every generated campaign (fields, outcome, invalid)', async () => {
    const rows = await db.sql.unsafe<(SqlMapped & { id: number; user_id: number; details: unknown; has_p2v: boolean; data: unknown })[]>(`
      SELECT c.id, c.user_id, c.details, p.campaign_id IS NOT NULL AS has_p2v, p.data, ${SELECT_MAPPED}
      FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id
      ${mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'false' })}
      ORDER BY c.id`)
    expect(rows.length).toBeGreaterThan(2000)
    const epoch = new Date(0)
    const outcomes: Record<string, number> = {}
    let mismatches = 0
    for (const r of rows) {
      const ts = mapLegacyRows({
        campaign: { id: r.id, userId: r.user_id, details: r.details, updatedAt: epoch },
        pathToVictory: r.has_p2v ? { data: r.data, updatedAt: epoch } : null,
      })
      const want = { fields: ts.fields, outcome: ts.outcome, invalid: [...ts.invalid].sort() }
      outcomes[ts.outcome] = (outcomes[ts.outcome] ?? 0) + 1
      if (JSON.stringify(sqlSide(r)) !== JSON.stringify(want)) {
        if (mismatches++ < 3) expect({ id: r.id, ...sqlSide(r) }).toEqual({ id: r.id, ...want })
      }
    }
    expect(mismatches).toBe(0)
    // The generator's mess reaches every category but orphan (offices always have a campaign there).
    for (const o of ['exact', 'position-only', 'district-only', 'no-data', 'invalid-details']) expect(outcomes[o] ?? 0).toBeGreaterThan(0)
  })

  it('agrees on hand-made edge cases', async () => {
    const cases: [string | null, string | null][] = [
      ['{"positionId": 42.0, "electionId": "  007 ", "raceId": 1.5, "state": " ny ", "office": "OTHER", "otherOffice": "  Port Commissioner "}', null],
      ['{"positionId": 1e3, "electionId": 999999999999999, "raceId": 1000000000000000, "state": "N.Y."}', '{}'],
      ['{"positionId": true, "electionId": [1], "raceId": {"a": 1}, "state": 12, "ballotLevel": "city "}', '{"districtManuallySet": "yes"}'],
      ['{"ballotLevel": "Municipal", "office": "Mayor", "otherOffice": "stale"}', '{"districtManuallySet": " false ", "source": 5}'],
      ['{"electionDate": "2024-02-29", "primaryElectionDate": "2023-02-29", "filingPeriodsStart": "11/5/2024", "filingPeriodsEnd": "2024-11-05T23:00:00.000Z"}', null],
      ['{"electionDate": "13/01/2024", "primaryElectionDate": "1899-12-31", "filingPeriodsStart": "2200-01-01", "filingPeriodsEnd": 20241105}', null],
      ['{"electionDate": "2024-04-31", "primaryElectionDate": "", "filingPeriodsStart": "   ", "filingPeriodsEnd": null}', null],
      ['{"office": "other"}', '{"electionType": "City", "electionLocation": " "}'],
      ['{"office": "Other", "otherOffice": 7}', '{"districtId": 12345}'],
      ['"{\\"positionId\\": 5}"', '{"electionType": "City", "electionLocation": "X"}'],
      ['[1, 2]', '"string data"'],
      ['null', 'null'],
      ['{"positionId": -0, "electionId": -17, "state": "ÑY", "partisanType": "\\tpartisan\\n"}', '{"districtManuallySet": true, "electionType": "A", "electionLocation": "B"}'],
      ['{"positionId": 1e400}', '{"districtId": 12.5}'],
      ['{}', null],
    ]
    for (const [details, data] of cases) {
      for (const orphan of [false, true]) {
        const [r] = await db.sql.unsafe<(SqlMapped & { d: unknown; l: unknown })[]>(
          `SELECT x.d, x.l, ${SELECT_MAPPED}
           FROM (SELECT $1::text::jsonb AS d, $2::text::jsonb AS l, $3::boolean AS orphan) x
           ${mappingLateral({ details: 'x.d', data: 'x.l', orphan: 'x.orphan' })}`,
          [orphan ? null : details, orphan ? null : data, orphan],
        )
        const epoch = new Date(0)
        const ts = orphan
          ? mapLegacyRows({ campaign: null, pathToVictory: null, electedOffice: { id: 'x', userId: 1, campaignId: 9, updatedAt: epoch } })
          : mapLegacyRows({
              campaign: { id: 1, userId: 1, details: r!.d, updatedAt: epoch },
              pathToVictory: data === null ? null : { data: r!.l, updatedAt: epoch },
            })
        expect({ details, data, orphan, ...sqlSide(r!) }).toEqual({ details, data, orphan, fields: ts.fields, outcome: ts.outcome, invalid: [...ts.invalid].sort() })
      }
    }
  })

  it('agrees on the elected offices (a serve organization mirrors its campaign)', async () => {
    const rows = await db.sql.unsafe<(SqlMapped & { id: string; user_id: number; campaign_id: number; c_id: number | null; c_user: number; details: unknown; has_p2v: boolean; data: unknown })[]>(`
      SELECT e.id::text, e.user_id, e.campaign_id, c.id AS c_id, c.user_id AS c_user, c.details,
        p.campaign_id IS NOT NULL AS has_p2v, p.data, ${SELECT_MAPPED}
      FROM elected_office e LEFT JOIN campaign c ON c.id = e.campaign_id LEFT JOIN path_to_victory p ON p.campaign_id = c.id
      ${mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'c.id IS NULL' })}`)
    expect(rows.length).toBeGreaterThan(200)
    const epoch = new Date(0)
    for (const r of rows) {
      const ts = mapLegacyRows({
        campaign: r.c_id === null ? null : { id: r.c_id, userId: r.c_user, details: r.details, updatedAt: epoch },
        pathToVictory: r.has_p2v ? { data: r.data, updatedAt: epoch } : null,
        electedOffice: { id: r.id, userId: r.user_id, campaignId: r.campaign_id, updatedAt: epoch },
      })
      expect(sqlSide(r)).toEqual({ fields: ts.fields, outcome: ts.outcome, invalid: [...ts.invalid].sort() })
    }
  })
})

void MAPPED_COLUMNS
