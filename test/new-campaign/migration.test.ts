// Migration 0320 on both forms gp-api's one-campaign-per-user rule takes (Prisma's unique index, the
// baseline's UNIQUE constraint): afterwards a user may hold two campaigns, campaign(user_id) keeps a
// valid plain index, and the file can run again (the runner re-runs a no-transaction file whole after a
// failed statement).
import { mkdtemp, copyFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate, migrateProxy, PROXY_MIGRATIONS_DIR } from '../../src/db/migrate.js'
import { addUser, phase1Database, type Phase1Database } from '../organizations/harness.js'

const opened: Phase1Database[] = []
afterAll(async () => {
  for (const db of opened) await db.close()
})

async function userIdIndexes(db: Phase1Database) {
  return db.sql<{ name: string; unique: boolean; valid: boolean }[]>`
    SELECT c.relname AS name, i.indisunique AS unique, i.indisvalid AS valid
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = 'public.campaign'::regclass
      AND i.indkey::text = (SELECT attnum::text FROM pg_attribute WHERE attrelid = 'public.campaign'::regclass AND attname = 'user_id')
    ORDER BY 1`
}

async function twoCampaigns(db: Phase1Database): Promise<number> {
  const userId = await addUser(db.sql)
  await db.sql`INSERT INTO campaign (slug, user_id) VALUES (${`first-${userId}`}, ${userId}), (${`second-${userId}`}, ${userId})`
  const [r] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM campaign WHERE user_id = ${userId}`
  return r!.n
}

describe('0320_new_campaign', () => {
  for (const form of ['constraint (the baseline)', 'unique index (Prisma)'] as const) {
    it(`relaxes one campaign per user given as a ${form}, keeping an index on user_id`, async () => {
      const db = await phase1Database({ migrate: false })
      opened.push(db)
      if (form === 'unique index (Prisma)') {
        await db.sql.unsafe('ALTER TABLE campaign DROP CONSTRAINT campaign_user_id_key; CREATE UNIQUE INDEX campaign_user_id_key ON campaign (user_id)')
      }
      expect(await userIdIndexes(db)).toEqual([{ name: 'campaign_user_id_key', unique: true, valid: true }])
      await expect(twoCampaigns(db)).rejects.toThrow(/campaign_user_id_key/)
      await migrateProxy(db.sql)
      expect(await userIdIndexes(db)).toEqual([{ name: 'campaign_user_id_idx', unique: false, valid: true }])
      expect(await twoCampaigns(db)).toBe(2)
      const [t] = await db.sql<{ t: string | null }[]>`SELECT to_regclass('org_proxy.new_campaign_idempotency')::text AS t`
      expect(t!.t).toBe('org_proxy.new_campaign_idempotency')
    })
  }

  it('runs again cleanly over its own result', async () => {
    const db = await phase1Database()
    opened.push(db)
    const dir = await mkdtemp(join(tmpdir(), 'm0320-'))
    try {
      await copyFile(join(PROXY_MIGRATIONS_DIR, '0320_new_campaign.sql'), join(dir, '0320_new_campaign.sql'))
      const again = await migrate(db.sql, { dir, ledger: 'org_proxy.rerun_0320' })
      expect(again.applied.map((a) => [a.name, a.transactional])).toEqual([['0320_new_campaign.sql', false]])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect(await userIdIndexes(db)).toEqual([{ name: 'campaign_user_id_idx', unique: false, valid: true }])
  })
})
