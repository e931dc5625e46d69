// Triage end to end in the proxy: a real drift makes a mismatch group; marking it *expected* (with a
// reason, recorded with the admin's label) turns it into a rule the engine applies to later
// comparisons, keeping the group's signature; a later *bug* mark takes the rule away again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { buildReport, reviewFilter } from '../../src/review/index.js'
import type { TestDatabase } from '../helpers/db.js'
import { admin, plantDrift, reviewDatabase, startStack, usersWithDistricts, type Stack } from './stack.js'

let db: TestDatabase
let stack: Stack
let users: Awaited<ReturnType<typeof usersWithDistricts>>

beforeAll(async () => {
  db = await reviewDatabase({ users: 40 })
  stack = await startStack(db)
  users = await usersWithDistricts(db.sql, 6)
})
afterAll(async () => {
  await stack?.close()
  await db?.close()
})

async function comparisonsOf(userId: number) {
  await stack.flush()
  return db.sql<{ id: string; outcome: string; signature: string | null; signature_keys: string[] | null; differences: { differences: { reason?: string }[] } | null }[]>`
    select id, outcome, signature, signature_keys, differences from org_proxy.comparison where user_id = ${userId} and origin = 'shadow' order by id`
}

const post = (path: string, body: unknown, headers: Record<string, string> = admin) =>
  request(stack.url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('triage', () => {
  let signature: string

  it('in-sync data matches; a planted drift is a mismatch at the drifted field', async () => {
    expect(users.length).toBeGreaterThanOrEqual(4)
    for (const u of users) expect((await stack.get('/v1/campaigns/mine', u.userId)).status).toBe(200)
    for (const u of users) expect((await comparisonsOf(u.userId)).map((c) => c.outcome)).toEqual(['match'])
    await plantDrift(db.sql, users[0]!.campaignId)
    await stack.get('/v1/campaigns/mine', users[0]!.userId)
    const rows = await comparisonsOf(users[0]!.userId)
    expect(rows[1]).toMatchObject({ outcome: 'mismatch', signature_keys: ['pathToVictory.data.electionLocation:changed'] })
    signature = rows[1]!.signature!
  })

  it('refuses a mark without the admin token, an expected mark without a reason, an unknown group', async () => {
    expect((await post('/_proxy/triage', { route: 'campaigns.mine', signature, mark: 'expected', reason: 'x' }, {})).statusCode).toBe(401)
    const noReason = await post('/_proxy/triage', { route: 'campaigns.mine', signature, mark: 'expected' })
    expect(noReason.statusCode).toBe(400)
    expect(((await noReason.body.json()) as { detail: string }).detail).toMatch(/needs its reason/)
    const unknown = await post('/_proxy/triage', { route: 'campaigns.mine', signature: '000000000000', mark: 'bug' })
    expect(unknown.statusCode).toBe(400)
    await unknown.body.dump()
    const bad = await post('/_proxy/triage', { route: 'campaigns.mine', signature, mark: 'whatever' })
    expect(bad.statusCode).toBe(400)
    await bad.body.dump()
  })

  it('an expected mark becomes a rule for later comparisons, with the same signature and the reason', async () => {
    const r = await post('/_proxy/triage', { route: 'campaigns.mine', signature, mark: 'expected', reason: 'district renamed by the P2V worker on purpose' })
    expect(r.statusCode).toBe(201)
    expect(await r.body.json()).toMatchObject({ mark: { mark: 'expected', markedBy: 'alice', signatureKeys: ['pathToVictory.data.electionLocation:changed'] } })
    await stack.get('/v1/campaigns/mine', users[0]!.userId)
    const rows = await comparisonsOf(users[0]!.userId)
    const last = rows.at(-1)!
    expect(last).toMatchObject({ outcome: 'expected', signature })
    expect(last.differences!.differences[0]!.reason).toBe('district renamed by the P2V worker on purpose (triaged by alice)')
  })

  it('the report counts the group as expected, before and after the mark', async () => {
    const report = await buildReport(db.sql, reviewFilter({ since: '1h', route: 'campaigns.mine' }))
    const route = report.routes[0]!
    expect(route.adjusted.mismatches).toBe(0)
    expect(route.groups).toMatchObject([{ signature, status: 'expected', mark: { markedBy: 'alice' } }])
    expect(route.expected).toMatchObject([{ signature, count: 1 }])
    expect(route.fields).toMatchObject([{ key: 'pathToVictory.data.electionLocation:changed', triagedExpected: true }])
  })

  it('a later bug mark takes the rule away', async () => {
    const r = await post('/_proxy/triage', { route: 'campaigns.mine', signature, mark: 'bug', reason: 'no: the organization must follow' })
    expect(r.statusCode).toBe(201)
    await r.body.dump()
    await stack.triage.refresh()
    await stack.get('/v1/campaigns/mine', users[0]!.userId)
    expect((await comparisonsOf(users[0]!.userId)).at(-1)).toMatchObject({ outcome: 'mismatch', signature })
    const marks = await db.sql`select mark, marked_by, reason from org_proxy.triage_mark order by id`
    expect(marks).toMatchObject([
      { mark: 'expected', marked_by: 'alice' },
      { mark: 'bug', marked_by: 'alice', reason: 'no: the organization must follow' },
    ])
  })
})
