// Phase 3 drops voter_file_filter.campaign_id and elected_office.campaign_id: the write handlers and their
// shadow read-backs name neither column, so they keep working after both drops; and migration 0300 is
// repeatable on a database where the columns (and so the compat trigger) are already gone.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROXY_MIGRATIONS_DIR } from '../../src/db/migrate.js'
import { readOffice, readSegmentBack } from '../../src/writes/index.js'
import { addMember, writesBench, type Member, type WritesBench } from './harness.js'

let b: WritesBench
let m: Member
let serveOnly: Member

const hasColumn = async (table: string) =>
  (await b.sql`SELECT 1 FROM information_schema.columns WHERE table_name = ${table} AND column_name = 'campaign_id'`).length > 0
const trigger = async () => (await b.sql`SELECT 1 FROM pg_trigger WHERE tgname = 'voter_file_filter_campaign_compat'`).length > 0

beforeAll(async () => {
  b = await writesBench()
  m = await addMember(b.sql, { pro: true, filters: 2 })
  serveOnly = await addMember(b.sql, { pro: false, office: true, filters: 1 })
  expect(await trigger()).toBe(true)
  // What the contract steps do, in their order: the trigger goes before the column it reads.
  await b.sql`DROP TRIGGER voter_file_filter_campaign_compat ON voter_file_filter`
  await b.sql`ALTER TABLE voter_file_filter DROP COLUMN campaign_id`
  await b.sql`ALTER TABLE elected_office DROP COLUMN campaign_id`
}, 60_000)
afterAll(() => b?.close())

describe('after both campaign_id columns are dropped', () => {
  it('"I won" still creates the office and its serve organization, and reads back without a campaign', async () => {
    const r = await b.call('new', 'POST', '/v1/elected-office', { user: m.userId, body: { electedDate: '2026-11-03' } })
    expect(r.status).toBe(201)
    const back = await b.sql.begin((tx) => readOffice(tx, { officeId: r.json.id }))
    expect(back).toMatchObject({ id: r.json.id, hasCampaignId: false, organization: { kind: 'serve', ownerId: m.userId } })
  })

  it('segments are created, updated and deleted by organization, their campaignId null', async () => {
    const created = await b.call('new', 'POST', '/v1/voters/voter-file/filter', { user: m.userId, body: { name: 'After the drop' } })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ name: 'After the drop', campaignId: null, organizationId: m.winOrg })
    const updated = await b.call('new', 'PUT', `/v1/voters/voter-file/filter/${m.filterIds[0]}`, { user: m.userId, body: { voterCount: 9 } })
    expect(updated.status).toBe(200)
    expect(updated.json).toMatchObject({ voterCount: 9, campaignId: null })
    expect((await b.call('new', 'DELETE', `/v1/voters/voter-file/filter/${m.filterIds[1]}`, { user: m.userId })).status).toBe(204)
    const served = await b.call('new', 'POST', '/v1/voters/voter-file/filter', { user: serveOnly.userId, org: serveOnly.serveOrg!, body: { name: 'Serve after' } })
    expect(served.status).toBe(201)
    expect(await b.sql.begin((tx) => readSegmentBack(tx, { filterId: created.json.id }))).toMatchObject({ id: created.json.id, campaignId: null })
  })

  it('migration 0300 runs again without error and creates no trigger for a column that is gone', async () => {
    expect([await hasColumn('voter_file_filter'), await hasColumn('elected_office')]).toEqual([false, false])
    const text = await readFile(join(PROXY_MIGRATIONS_DIR, '0300_phase3_writes.sql'), 'utf8')
    await b.sql.begin((tx) => tx.unsafe(text))
    expect(await trigger()).toBe(false)
  })
})
