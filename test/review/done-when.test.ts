// Issue 6's "done when", on the demo: the phase 2 route table (the real organization-backed reads),
// the demo data set with its organizations, org.reads in shadow, and a planted drift (a P2V row
// edited behind the proxy's back). `npm run diffs` and the page point at the drifted field, the gate
// says no; after the repair the group is marked fixed, a replay says it matches, and the gate says yes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { run as diffs } from '../../src/cli/diffs.js'
import { run as gate } from '../../src/cli/gate.js'
import { run as replay } from '../../src/cli/replay.js'
import { routeTable } from '../../src/routes/index.js'
import type { TestDatabase } from '../helpers/db.js'
import { admin, ADMIN_SECRET, AUTH_SECRET, plantDrift, repairDrift, reviewDatabase, startStack, usersWithDistricts, type Stack } from './stack.js'

const ROUTE = 'campaigns.mine.read'
const FIELD = 'pathToVictory.data.electionLocation'
const GATE = ['org.reads', '--to', 'live', '--min-comparisons', '100', '--min-orgs', '50', '--max-mismatch-rate', '0.1%']

let db: TestDatabase
let stack: Stack
let drifted: { userId: number; campaignId: number }
let signature = ''

const io = (env: Record<string, string | undefined>) => {
  const out: string[] = []
  const err: string[] = []
  return { out, err, text: () => out.join('\n'), io: { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
}

beforeAll(async () => {
  db = await reviewDatabase({ users: 150 })
  stack = await startStack(db, { routes: (sql) => routeTable({ sql, authSecret: AUTH_SECRET }), stages: { 'org.reads': 'shadow' } })
  drifted = (await usersWithDistricts(db.sql, 1))[0]!
  await plantDrift(db.sql, drifted.campaignId, 'Drifted District 9')
  const users = await db.sql<{ id: number }[]>`select id from "user" order by id`
  for (const u of users) {
    expect((await stack.get('/v1/campaigns/mine', u.id)).headers['x-org-proxy-stage']).toBe('shadow')
    await stack.get('/v1/elected-office/current', u.id)
  }
  await stack.flush()
}, 120_000)
afterAll(async () => {
  await stack?.close()
  await db?.close()
})

describe('done when: a planted drift, found, gated, repaired, replayed, passed', () => {
  it('npm run diffs points at the drifted field', async () => {
    const t = io({ DATABASE_URL: db.url })
    expect(await diffs(['--route', ROUTE, '--since', '1h'], t.io)).toBe(0)
    const text = t.text()
    expect(text).toMatch(new RegExp(`mismatched field paths[^\\n]*\\n {2}${FIELD.replace(/\./g, '\\.')} changed {2}1×`))
    const json = io({ DATABASE_URL: db.url })
    await diffs(['--route', ROUTE, '--since', '1h', '--json'], json.io)
    const route = JSON.parse(json.text()).routes[0]
    expect(route.fields.map((f: { path: string }) => f.path)).toEqual([FIELD])
    expect(route.traffic.mismatch).toBe(1)
    signature = route.groups[0].signature
  })

  it('the page points at it too', async () => {
    const r = await request(`${stack.url}/_proxy/routes/${ROUTE}?since=1h`, { headers: admin })
    const html = await r.body.text()
    expect(r.statusCode).toBe(200)
    expect(html).toContain(`<tr id="g-${signature}"`)
    expect(html).toContain(`<li class="field">${FIELD}:changed</li>`)
    expect(html).toContain('&quot;Drifted District 9&quot;')
  })

  it('the gate says no, naming the field', async () => {
    const t = io({ DATABASE_URL: db.url, ADMIN_TOKEN: `alice:${ADMIN_SECRET}` })
    expect(await gate(GATE, t.io)).toBe(1)
    expect(t.text()).toMatch(/gate org\.reads → live: NO/)
    expect(t.text()).toMatch(/FAIL mismatch rate/)
    expect(t.text()).toContain(`differing: ${FIELD}:changed`)
  })

  it('after the repair, the group is marked fixed and a replay says it matches', async () => {
    await repairDrift(db.sql, drifted.campaignId)
    const mark = await request(`${stack.url}/_proxy/triage`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ route: ROUTE, signature, mark: 'fixed', reason: 'reconcile repaired the organization' }),
    })
    expect(mark.statusCode).toBe(201)
    await mark.body.dump()
    const t = io({ PROXY_URL: stack.url, ADMIN_TOKEN: `alice:${ADMIN_SECRET}` })
    expect(await replay(['--route', ROUTE, '--signature', signature], t.io)).toBe(0)
    expect(t.text()).toMatch(/1 replayed, 1 now match, 0 still differ/)
  })

  it('and the gate then says yes', async () => {
    await stack.replayer.runQueued()
    const t = io({ DATABASE_URL: db.url, ADMIN_TOKEN: `alice:${ADMIN_SECRET}` })
    expect(await gate(GATE, t.io)).toBe(0)
    expect(t.text()).toMatch(/gate org\.reads → live: YES/)
    const decisions = await db.sql`select passed, decided_by from org_proxy.gate_decision where flag = 'org.reads' order by id`
    expect(decisions).toMatchObject([{ passed: false, decided_by: 'alice' }, { passed: true, decided_by: 'alice' }])
  })
})
