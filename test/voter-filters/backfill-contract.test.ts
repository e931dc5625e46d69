// Segments onto Organization, the schema side: the migration (nullable FK, validated, index built
// concurrently), the voter-filters backfill on the generated data set (idempotent, resumable after a stop,
// verify clean, drift reported), the CLI, and the contract step (refusing until verify is clean and
// org.voter-filters is live for every organization; applied, the reads still answer; rolled back).
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { organizationsBackfill } from '../../src/backfill/index.js'
import { runContractStep, voterFilterOrganizationStep, type FlagStatusSource } from '../../src/contract/index.js'
import { createFlagSource } from '../../src/flags/index.js'
import { readCheckpoint, runJob } from '../../src/jobs/index.js'
import { VOTER_FILTERS_BACKFILL, voterFiltersBackfill, voterFiltersVerify } from '../../src/voter-filters/index.js'
import { editFlag, tempFlagsDir } from '../flags/helpers.js'
import { addMember, phase2Bench, type Phase2Bench } from '../org-context/harness.js'

let b: Phase2Bench
const fast = { throttle: false as const, pauseMs: 0 }

beforeAll(async () => {
  // The organizations are backfilled, the segments not yet: that is this file's job.
  b = await phase2Bench({ users: 180, seed: 3, backfill: false })
  await runJob(b.sql, organizationsBackfill, { ...fast, batchSize: 5000 })
}, 90_000)
afterAll(() => b?.close())

const unassigned = async () => Number((await b.sql<{ n: string }[]>`SELECT count(*) AS n FROM voter_file_filter WHERE organization_id IS NULL`)[0]!.n)

describe('migrations 0200–0202', () => {
  it('a nullable organization_id with a validated, cascading foreign key and a valid index', async () => {
    const [col] = await b.sql<{ is_nullable: string; data_type: string }[]>`
      SELECT is_nullable, data_type FROM information_schema.columns WHERE table_name = 'voter_file_filter' AND column_name = 'organization_id'`
    expect(col).toEqual({ is_nullable: 'YES', data_type: 'uuid' })
    const [fk] = await b.sql<{ convalidated: boolean; confdeltype: string }[]>`
      SELECT convalidated, confdeltype FROM pg_constraint WHERE conname = 'voter_file_filter_organization_id_fkey'`
    expect(fk).toEqual({ convalidated: true, confdeltype: 'c' })
    const [idx] = await b.sql<{ indisvalid: boolean }[]>`
      SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'voter_file_filter_organization_id_idx'`
    expect(idx?.indisvalid).toBe(true)
  })
})

describe('npm run backfill -- voter-filters', () => {
  it('stops cleanly after a batch, resumes where it stopped, and ends with every segment assigned', async () => {
    const total = Number((await b.sql<{ n: string }[]>`SELECT count(*) AS n FROM voter_file_filter`)[0]!.n)
    expect(total).toBeGreaterThan(50)
    const ac = new AbortController()
    const first = await runJob(b.sql, voterFiltersBackfill, { ...fast, batchSize: 20, onProgress: (p) => p.batches >= 2 && ac.abort(), signal: ac.signal })
    expect(first.status).toBe('stopped')
    expect((await readCheckpoint(b.sql, VOTER_FILTERS_BACKFILL))?.status).toBe('stopped')
    expect(await unassigned()).toBe(total - first.walked)
    const second = await runJob(b.sql, voterFiltersBackfill, { ...fast, batchSize: 20 })
    expect(second).toMatchObject({ status: 'finished', resumed: true })
    expect(second.walked + first.walked).toBe(total)
    expect(await unassigned()).toBe(0)
    expect(second.tally.assigned).toBe(total)
    expect(second.tally['shared-with-serve']).toBeGreaterThan(0) // the data set has campaigns with offices
    // Every segment went to its campaign's win organization.
    const [wrong] = await b.sql<{ n: string }[]>`
      SELECT count(*) AS n FROM voter_file_filter f JOIN campaign c ON c.id = f.campaign_id WHERE f.organization_id IS DISTINCT FROM c.organization_id`
    expect(Number(wrong!.n)).toBe(0)
  })

  it('a second run changes nothing; verify is clean', async () => {
    const again = await runJob(b.sql, voterFiltersBackfill, { ...fast, batchSize: 1000, restart: true })
    expect(again.tally.assigned ?? 0).toBe(0)
    expect(again.tally['already-assigned']).toBe(again.walked)
    const { job, report } = voterFiltersVerify()
    await runJob(b.sql, job, { ...fast, checkpoint: false })
    expect(report.drifted).toBe(0)
    expect(report.checked).toBe(again.walked)
  })

  it('the CLI runs it and its --verify names the drift, exit 1', async () => {
    const a = await addMember(b.sql, { filters: 1 })
    const other = await addMember(b.sql, { filters: 1 })
    await b.sql`UPDATE voter_file_filter SET organization_id = ${other.winOrg} WHERE id = ${a.filterIds[0]!}`
    await b.sql`UPDATE voter_file_filter SET organization_id = NULL WHERE id = ${other.filterIds[0]!}`
    const verify = await cli(['voter-filters', '--verify'])
    expect(verify.code).toBe(1)
    expect(verify.out).toMatch(/organization of another campaign: 1/)
    expect(verify.out).toMatch(/organization missing: 1/)
    expect(verify.out).toContain(`segment ${a.filterIds[0]}`)
    const fill = await cli(['voter-filters', '--restart', '--pause-ms', '0'])
    expect(fill.code).toBe(0)
    expect(fill.out).toMatch(/assigned to their campaign's win organization: 1/)
    // The backfill never moves an assigned segment: the wrong one is for a person to look at.
    const { job, report } = voterFiltersVerify()
    await runJob(b.sql, job, { ...fast, checkpoint: false })
    expect(Object.keys(report.problems)).toEqual(['organization of another campaign'])
    await b.sql`UPDATE voter_file_filter SET organization_id = ${a.winOrg} WHERE id = ${a.filterIds[0]!}`
  }, 60_000)
})

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backfill.ts', ...args], {
      env: { ...process.env, DATABASE_URL: b.url, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => resolve({ code, out, err }))
  })
}

describe('contract step voter-filter-organization', () => {
  const live100: FlagStatusSource = async () => ({
    source: 'files',
    serving: 'files',
    killSwitch: false,
    flags: { 'org.voter-filters': { enabled: true, on: 100, split: { off: 0, shadow: 0, live: 100 }, exact: true } },
  })

  it('refuses while org.voter-filters is not live for every organization (read off the flag source’s split)', async () => {
    const flags = await tempFlagsDir()
    try {
      // The committed production split: shadow for everyone.
      const source = createFlagSource({ flagsDir: flags.dir, environment: 'production', watch: false })
      await source.ready
      await editFlag(flags.dir, 'org.voter-filters', (f) => (f.environments.find((e) => e.name === 'production')!.enabled = true))
      await source.refresh()
      const step = voterFilterOrganizationStep({ flagStatus: async () => source.status() })
      const r = await runContractStep(b.sql, step)
      expect(r.outcome).toBe('refused')
      expect(r.report.join('\n')).toMatch(/org.voter-filters: 0 % live, 100 % shadow/)
      // 100 % live in the file: the flag condition holds.
      await editFlag(flags.dir, 'org.voter-filters', (f) => (f.environments.find((e) => e.name === 'production')!.strategies[0]!.parameters.rollout = '100'))
      await source.refresh()
      expect((await step.precondition(b.sql)).report.join('\n')).toMatch(/org.voter-filters: 100 % live/)
      await source.close()
    } finally {
      await flags.remove()
    }
  })

  it('refuses while a segment is not on an organization of its campaign, and asks the stage gate', async () => {
    const m = await addMember(b.sql, { filters: 1 })
    await b.sql`UPDATE voter_file_filter SET organization_id = NULL WHERE id = ${m.filterIds[0]!}`
    const step = voterFilterOrganizationStep({ flagStatus: live100 })
    const refused = await runContractStep(b.sql, step)
    expect(refused.outcome).toBe('refused')
    expect(refused.report.join('\n')).toMatch(/organization missing: 1/)
    await runJob(b.sql, voterFiltersBackfill, { ...fast, restart: true })
    const gated = await runContractStep(b.sql, step, { requireGate: async (s) => ({ ok: false, evidence: `no comparisons yet for ${s.gateFlag}` }) })
    expect(gated.outcome).toBe('refused')
    expect(gated.report.join('\n')).toMatch(/gate \(org.voter-filters\): no: no comparisons yet for org.voter-filters/)
  })

  it('applies (NOT NULL, campaign_id gone), after which the segment reads still answer; rolls back', async () => {
    const m = await addMember(b.sql, { pro: true, office: true, filters: 2 })
    const before = await b.call('new', '/v1/voters/voter-file/filters', { user: m.userId })
    const step = voterFilterOrganizationStep({ flagStatus: live100 })
    const applied = await runContractStep(b.sql, step, { requireGate: async () => ({ ok: true, evidence: 'test' }) })
    expect(applied.outcome).toBe('applied')
    expect(await step.applied(b.sql)).toBe(true)
    const cols = await b.sql<{ column_name: string; is_nullable: string }[]>`
      SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'voter_file_filter' AND column_name IN ('campaign_id', 'organization_id')`
    expect(cols).toEqual([{ column_name: 'organization_id', is_nullable: 'NO' }])
    const after = await b.call('new', '/v1/voters/voter-file/filters', { user: m.userId })
    expect(after.status).toBe(200)
    expect(after.text).toBe(before.text)
    expect((await b.call('new', `/v1/voters/voter-file/filter/${m.filterIds[1]}`, { user: m.userId, org: m.serveOrg! })).status).toBe(200)
    expect((await runContractStep(b.sql, step)).outcome).toBe('already-applied')

    const back = await runContractStep(b.sql, step, { action: 'rollback' })
    expect(back.outcome).toBe('applied')
    const [again] = await b.sql<{ n: string }[]>`
      SELECT count(*) AS n FROM voter_file_filter f JOIN campaign c ON c.id = f.campaign_id WHERE c.organization_id = f.organization_id`
    const [all] = await b.sql<{ n: string }[]>`SELECT count(*) AS n FROM voter_file_filter`
    expect(again!.n).toBe(all!.n)
    // The foreign key comes back validated with its index; campaign_id is NOT NULL again, organization_id nullable.
    const [fk] = await b.sql`SELECT convalidated FROM pg_constraint WHERE conname = 'voter_file_filter_campaign_id_fkey'`
    expect(fk?.convalidated).toBe(true)
    expect(await b.sql`SELECT 1 FROM pg_indexes WHERE indexname = 'voter_file_filter_campaign_id_idx'`).toHaveLength(1)
    expect(await b.sql`
      SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'voter_file_filter' AND column_name IN ('campaign_id', 'organization_id') ORDER BY column_name`).toEqual([
      { column_name: 'campaign_id', is_nullable: 'NO' },
      { column_name: 'organization_id', is_nullable: 'YES' },
    ])
    expect((await b.call('legacy', '/v1/voters/voter-file/filters', { user: m.userId })).status).toBe(200)
  })
})
