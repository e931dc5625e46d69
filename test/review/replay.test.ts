// Replay inside the proxy: stored mismatched requests (no bodies, no personal data) run again as the
// stored user against the current new handler and legacy. Before the repair they still differ; after
// it they match; `npm run replay` asks the proxy with the admin token and prints which now match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as replay } from '../../src/cli/replay.js'
import type { TestDatabase } from '../helpers/db.js'
import { insertRows } from './rows.js'
import { ADMIN_SECRET, plantDrift, repairDrift, reviewDatabase, startStack, usersWithDistricts, type Stack } from './stack.js'

let db: TestDatabase
let stack: Stack
let users: Awaited<ReturnType<typeof usersWithDistricts>>

beforeAll(async () => {
  db = await reviewDatabase({ users: 40 })
  stack = await startStack(db)
  users = await usersWithDistricts(db.sql, 5)
  await plantDrift(db.sql, users[0]!.campaignId, 'Drifted A')
  await plantDrift(db.sql, users[1]!.campaignId, 'Drifted B')
  for (const u of users) await stack.get('/v1/campaigns/mine', u.userId, { 'x-organization-id': u.organizationId })
  // the same request twice is replayed once
  await stack.get('/v1/campaigns/mine', users[0]!.userId, { 'x-organization-id': users[0]!.organizationId })
  await stack.flush()
})
afterAll(async () => {
  await stack?.close()
  await db?.close()
})

const io = (env: Record<string, string | undefined>) => {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
}

describe('replay', () => {
  it('re-runs the distinct stored mismatches as their users: before the repair they still differ', async () => {
    const report = await stack.replayer.replayNow({ route: 'campaigns.mine' }, 'alice')
    expect(report).toMatchObject({ status: 'done', total: 2, matched: 0, stillDiffer: 2, requestedBy: 'alice' })
    expect(report.items.map((i) => i.userId).sort()).toEqual([users[0]!.userId, users[1]!.userId].sort())
    expect(report.items[0]).toMatchObject({ method: 'GET', path: '/v1/campaigns/mine', outcome: 'mismatch', nowMatches: false, signatureKeys: ['pathToVictory.data.electionLocation:changed'] })
    expect(report.items[0]!.organizationId).toBeTruthy()
  })

  it('records the replayed comparisons as origin replay, with the user and organization', async () => {
    await stack.flush()
    const rows = await db.sql`select user_id, organization_id, outcome from org_proxy.comparison where origin = 'replay' order by id`
    expect(rows).toHaveLength(2)
    expect(rows.map((r) => r.outcome)).toEqual(['mismatch', 'mismatch'])
  })

  it('after the repair, npm run replay says they now match', async () => {
    await repairDrift(db.sql, users[0]!.campaignId)
    await repairDrift(db.sql, users[1]!.campaignId)
    const t = io({ PROXY_URL: stack.url, ADMIN_TOKEN: `alice:${ADMIN_SECRET}` })
    expect(await replay(['--route', 'campaigns.mine'], t.io)).toBe(0)
    const text = t.out.join('\n')
    expect(text).toMatch(/replay #\d+ \(route campaigns\.mine\) by alice: 2 replayed, 2 now match, 0 still differ/)
    expect(text.match(/: now matches/g)).toHaveLength(2)
    const [run] = await db.sql`select requested_by, status, total, matched from org_proxy.replay_run order by id desc limit 1`
    expect(run).toMatchObject({ requested_by: 'alice', status: 'done', total: 2, matched: 2 })
  })

  it('narrows to a group and a limit; replays only GET and HEAD; --json', async () => {
    const [group] = await db.sql<{ signature: string }[]>`select signature from org_proxy.comparison where origin = 'shadow' and outcome = 'mismatch' limit 1`
    await insertRows(db.sql, [{ route: 'campaigns.mine', method: 'PUT', path: '/v1/campaigns/mine', keys: ['details.x:changed'], user_id: users[2]!.userId }])
    const t = io({ PROXY_URL: stack.url, ADMIN_TOKEN: ADMIN_SECRET })
    expect(await replay(['--signature', group!.signature, '--limit', '1', '--json'], t.io)).toBe(0)
    expect(JSON.parse(t.out.join('\n'))).toMatchObject({ signature: group!.signature, total: 1, matched: 1 })
    const all = await stack.replayer.replayNow({ route: 'campaigns.mine' }, 'bob')
    expect(all.items.find((i) => i.method === 'PUT')).toMatchObject({ outcome: 'skipped', error: 'PUT is not replayed' })
  })

  it('says in one line what is wrong', async () => {
    for (const [argv, env, code, message] of [
      [[], {}, 2, /ADMIN_TOKEN is not set/],
      [['--signature', 'xyz'], { ADMIN_TOKEN: 'a' }, 2, /--signature is 12 hex digits/],
      [['--limit', '0'], { ADMIN_TOKEN: 'a' }, 2, /--limit must be a whole number/],
      [[], { PROXY_URL: stack.url, ADMIN_TOKEN: 'wrong-secret-0123456789' }, 2, /the proxy answered 401/],
      [['--route', 'nope'], { PROXY_URL: stack.url, ADMIN_TOKEN: ADMIN_SECRET }, 2, /the proxy answered 404: no route nope/],
      [[], { PROXY_URL: 'http://127.0.0.1:1', ADMIN_TOKEN: ADMIN_SECRET }, 3, /cannot reach the proxy at http:\/\/127\.0\.0\.1:1/],
    ] as const) {
      const t = io(env)
      expect(await replay([...argv], t.io), argv.join(' ')).toBe(code)
      expect(t.err).toHaveLength(1)
      expect(t.err[0]).toMatch(message)
    }
  })
})
