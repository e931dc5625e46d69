// The NOT NULL contract step: it refuses (saying how many rows lack an organization) until the backfill
// has linked them all, asks a plugged-in stage gate (an override needs a reason and is recorded), keeps
// gp-api's inserts working once in force, and rolls back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { organizationsBackfill } from '../../src/backfill/index.js'
import { run as contractCli } from '../../src/cli/contract.js'
import { organizationNotNull, runContractStep } from '../../src/contract/index.js'
import { runJob } from '../../src/jobs/index.js'
import { createLegacyApp } from '../../src/legacy/index.js'
import { signJwt } from '../../src/auth/jwt.js'
import { reconcile } from '../../src/reconcile/index.js'
import { addUser, organizationOf, phase1Database, type Phase1Database } from '../organizations/harness.js'

let db: Phase1Database
beforeAll(async () => {
  db = await phase1Database({ users: 200, seed: 9 })
})
afterAll(() => db?.close())

async function nullable(): Promise<Record<string, boolean>> {
  const rows = await db.sql<{ relname: string; attnotnull: boolean }[]>`
    SELECT c.relname, a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relname IN ('campaign', 'elected_office') AND a.attname = 'organization_id'`
  return Object.fromEntries(rows.map((r) => [r.relname, !r.attnotnull]))
}

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { env: { DATABASE_URL: db.url }, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
}

describe('npm run contract -- organization-not-null', () => {
  it('refuses while campaigns and offices lack an organization, printing how many', async () => {
    const [m] = await db.sql<{ c: number; e: number }[]>`
      SELECT (SELECT count(*)::int FROM campaign) AS c, (SELECT count(*)::int FROM elected_office) AS e`
    const cli = io()
    expect(await contractCli(['organization-not-null'], cli.io)).toBe(1)
    expect(cli.out).toContain(`campaigns without an organization: ${m!.c}`)
    expect(cli.out).toContain(`elected offices without an organization: ${m!.e}`)
    expect(cli.err).toEqual(['contract: organization-not-null refused'])
    expect(await nullable()).toEqual({ campaign: true, elected_office: true })
    const [logged] = await db.sql`SELECT outcome FROM org_proxy.contract_run ORDER BY id DESC LIMIT 1`
    expect(logged).toEqual({ outcome: 'refused' })
  })

  it('after the backfill, a gate that says no stops it; an override with a reason goes ahead and is recorded', async () => {
    await runJob(db.sql, organizationsBackfill, { throttle: false, pauseMs: 0, batchSize: 500 })
    const requireGate = async () => ({ ok: false, evidence: '12 comparisons of 100 needed' })
    const refused = await runContractStep(db.sql, organizationNotNull, { requireGate })
    expect(refused.outcome).toBe('refused')
    expect(await nullable()).toEqual({ campaign: true, elected_office: true })
    const applied = await runContractStep(db.sql, organizationNotNull, { requireGate, override: 'backfill verified by hand, see ticket 42', operator: 'test' })
    expect(applied.outcome).toBe('applied')
    expect(await nullable()).toEqual({ campaign: false, elected_office: false })
    const [logged] = await db.sql`SELECT outcome, gate_ok, gate_evidence, override_reason, operator FROM org_proxy.contract_run ORDER BY id DESC LIMIT 1`
    expect(logged).toEqual({ outcome: 'applied', gate_ok: false, gate_evidence: '12 comparisons of 100 needed', override_reason: 'backfill verified by hand, see ticket 42', operator: 'test' })
    const cli = io()
    expect(await contractCli(['organization-not-null'], cli.io)).toBe(0)
    expect(cli.out).toContain('organization-not-null: already applied, nothing to do')
  })

  it('gp-api keeps creating campaigns and offices under the constraint (they get an organization at insert)', async () => {
    const app = createLegacyApp({ sql: db.sql, authSecret: 'contract-test-secret-0123456789', onError: () => {} })
    const userId = await addUser(db.sql)
    const auth = { authorization: `Bearer ${signJwt({ sub: userId }, 'contract-test-secret-0123456789')}`, 'content-type': 'application/json' }
    const created = await app.request('/v1/campaigns', { method: 'POST', headers: auth, body: JSON.stringify({ details: { positionId: 8 } }) })
    expect(created.status).toBe(201)
    const campaign = (await created.json()) as { id: number }
    const won = await app.request('/v1/elected-office', { method: 'POST', headers: auth, body: JSON.stringify({ electedDate: '2025-11-04' }) })
    expect(won.status).toBe(201)
    const office = (await won.json()) as { id: string }
    expect(await organizationOf(db.sql, { campaignId: campaign.id })).toMatchObject({ kind: 'win', owner_id: userId, position_id: null })
    // Without a dual write (flag off, say), reconcile fills the new organizations in.
    await reconcile(db.sql, { throttle: false, pauseMs: 0 })
    expect(await organizationOf(db.sql, { campaignId: campaign.id })).toMatchObject({ position_id: '8' })
    expect(await organizationOf(db.sql, { officeId: office.id })).toMatchObject({ kind: 'serve', position_id: '8' })
  })

  it('rolls back', async () => {
    const cli = io()
    expect(await contractCli(['organization-not-null', '--rollback'], cli.io)).toBe(0)
    expect(await nullable()).toEqual({ campaign: true, elected_office: true })
    const [t] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE 'organization_for_new_%'`
    expect(t!.n).toBe(0)
  })

  it('refuses bad arguments with one clear line', async () => {
    const cli = io()
    expect(await contractCli(['no-such-step'], cli.io)).toBe(2)
    expect(cli.err[0]).toMatch(/^contract: unknown step "no-such-step"/)
    const cli2 = io()
    expect(await contractCli(['organization-not-null', '--override', 'why'], cli2.io)).toBe(2)
    expect(cli2.err[0]).toMatch(/written reason/)
  })
})
