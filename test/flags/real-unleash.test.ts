// Against a real unleash-server 7.5.1 (test/unleash): `flags push` and `flags diff`, and how long a rollback in
// Unleash's admin API takes to reach the flag source, by polling and by refresh() (Unleash's webhook). Skipped, with
// the reason, where test/unleash/node_modules is not installed.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src/cli/flags.js'
import { createFlagSource, type FlagSource } from '../../src/flags/index.js'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { configuredFlagSwitch, flagCheck, flagStatusFrom } from '../../src/contract/index.js'
import { pushFlagsTo, servedToSdks, startUnleash, toggleFlag, type UnleashServer } from '../unleash/harness.js'
import { eventually } from '../organizations/harness.js'
import { FLAGS_DIR, sleep, tempFlagsDir, timeUntil } from './helpers.js'

let unleash: UnleashServer | undefined
let skipped: string | undefined
const sources: FlagSource[] = []

beforeAll(async () => {
  const started = await startUnleash()
  if ('skipped' in started) {
    skipped = started.skipped
    console.log(`real-Unleash tests skipped: ${skipped}`)
    return
  }
  unleash = started
  console.log(`unleash-server 7.5.1 booted in ${started.bootMs} ms (${started.startMs} ms with its fresh database)`)
}, 120_000)

afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()))
  await unleash?.close()
})

function cli(token: string) {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    run: (...args: string[]) =>
      run(args, {
        env: { UNLEASH_ADMIN_URL: unleash!.url, UNLEASH_ADMIN_TOKEN: token },
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      }),
  }
}

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${unleash!.url}${path}`, {
    method,
    headers: { authorization: unleash!.adminToken, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? null : res.json().catch(() => null)
}

const readsPath = '/api/admin/projects/default/features/org.reads'
const toggle = (on: boolean) => toggleFlag(unleash!, 'org.reads', on)
const serverSays = async (enabled: boolean) => (await servedToSdks(unleash!, 'org.reads'))?.enabled === enabled

/** From just before the admin call: when the client API showed it, and when the source routed by it. */
async function measureRollback(flags: FlagSource, org: string, after?: () => void) {
  const t0 = performance.now()
  await toggle(false)
  after?.()
  let server: number | undefined
  let source: number | undefined
  const deadline = t0 + 8000
  await Promise.all([
    (async () => {
      while (server === undefined && performance.now() < deadline)
        if (await serverSays(false)) server = Math.round(performance.now() - t0)
        else await sleep(10)
    })(),
    (async () => {
      while (source === undefined && performance.now() < deadline)
        if (flags.stage('org.reads', { organizationId: org }) === 'off') source = Math.round(performance.now() - t0)
        else await sleep(2)
    })(),
  ])
  if (server === undefined || source === undefined) throw new Error(`no rollback within 8 s (server ${server}, source ${source})`)
  return { server, source, share: source - server }
}

async function restore(flags: FlagSource, org: string) {
  await toggle(true)
  await flags.refresh()
  await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'shadow', 5000)
}

describe('flags push / diff against unleash-server 7.5.1', () => {
  it('push brings the server to flags/ through the import endpoint; diff then says equal; a second push writes nothing', async (ctx) => {
    if (!unleash) return ctx.skip(skipped)
    const before = cli(unleash.personalToken)
    expect(await before.run('diff')).toBe(1)
    expect(before.out.filter((l) => l.endsWith('missing on the server'))).toHaveLength(7)

    const push = cli(unleash.personalToken)
    expect(await push.run('push')).toBe(0)
    expect(push.out.at(-1)).toMatch(/pushed 7 flag\(s\) to .* via import/)

    const diff = cli(unleash.personalToken)
    expect(await diff.run('diff')).toBe(0)
    expect(diff.out.at(-1)).toMatch(/matches flags \(7 flags; production, development\)/)

    const again = cli(unleash.adminToken)
    expect(await again.run('push')).toBe(0)
    expect(again.out.at(-1)).toMatch(/already matches .*nothing to push/)
  })

  it('diff names drift made in the UI; push with an admin token repairs it through the feature endpoints', async (ctx) => {
    if (!unleash) return ctx.skip(skipped)
    const feature = (await admin('GET', readsPath)) as {
      environments: Array<{ name: string; strategies: Array<{ id: string; parameters: Record<string, string> }> }>
    }
    const live = feature.environments.find((e) => e.name === 'production')!.strategies[0]!
    await admin('PUT', `${readsPath}/environments/production/strategies/${live.id}`, {
      ...live,
      parameters: { ...live.parameters, rollout: '25' },
    })
    await admin('POST', '/api/admin/projects/default/features/org.kill-switch/environments/development/on')

    const diff = cli(unleash.adminToken)
    expect(await diff.run('diff')).toBe(1)
    expect(diff.out).toContain('  production: strategy 1: parameters.rollout: server "25", files "0"')
    expect(diff.out).toContain('  development: enabled: server true, files false')

    const push = cli(unleash.adminToken)
    expect(await push.run('push')).toBe(0)
    expect(push.out.join('\n')).toMatch(/via endpoints/)
    const after = cli(unleash.adminToken)
    expect(await after.run('diff')).toBe(0)
  })
})

describe('rollback from Unleash to the flag source', () => {
  const org = randomUUID()
  const TRIALS = 3

  it('is seen by polling (UNLEASH_REFRESH_MS=1000) within 1.5 s of Unleash serving it', { timeout: 60_000 }, async (ctx) => {
    if (!unleash) return ctx.skip(skipped)
    const flags = createFlagSource({
      flagsDir: FLAGS_DIR,
      environment: 'production',
      unleash: { url: unleash.apiUrl, apiToken: unleash.clientToken, refreshMs: 1000 },
    })
    sources.push(flags)
    await flags.ready
    expect(flags.status()).toMatchObject({ source: 'unleash', serving: 'unleash' })
    // The user fallback holds against the server's flags too.
    expect(flags.stage('org.reads', { userId: 42 })).toBe(flags.stage('org.reads', { organizationId: '42' }))

    const results = []
    for (let i = 0; i < TRIALS; i++) {
      await restore(flags, org)
      // Toggle at a random point of the poll and of Unleash's own revision tick.
      await sleep(Math.random() * 1000)
      results.push(await measureRollback(flags, org))
    }
    for (const r of results)
      console.log(
        `rollback by polling: Unleash's client API showed it after ${r.server} ms; the source routed by it after ${r.source} ms (its own share ${r.share} ms)`,
      )
    // The whole rollback is Unleash's publication (its 1 s revision tick) plus the source's share (up to one poll).
    for (const r of results) expect(r.share).toBeLessThanOrEqual(1500)
  })

  it('is seen within 300 ms of Unleash serving it when refresh() (the webhook) is called', { timeout: 60_000 }, async (ctx) => {
    if (!unleash) return ctx.skip(skipped)
    // Polling off in effect, so only refresh() can be what brings the change.
    const flags = createFlagSource({
      flagsDir: FLAGS_DIR,
      environment: 'production',
      unleash: { url: unleash.apiUrl, apiToken: unleash.clientToken, refreshMs: 600_000 },
    })
    sources.push(flags)
    await flags.ready

    // As Unleash's webhook addon does: refresh at write time, before its client API shows the change.
    const atWrite = []
    for (let i = 0; i < TRIALS; i++) {
      await restore(flags, org)
      await sleep(Math.random() * 1000)
      atWrite.push(await measureRollback(flags, org, () => void flags.refresh()))
    }
    // Refresh once the client API already shows it: the source's own latency.
    const afterPublish = []
    for (let i = 0; i < TRIALS; i++) {
      await restore(flags, org)
      await toggle(false)
      while (!(await serverSays(false))) await sleep(10)
      const started = performance.now()
      await flags.refresh()
      expect(flags.stage('org.reads', { organizationId: org })).toBe('off')
      afterPublish.push(Math.round(performance.now() - started))
    }
    for (const r of atWrite)
      console.log(
        `rollback by webhook refresh(): Unleash's client API showed it after ${r.server} ms; the source routed by it after ${r.source} ms (its own share ${r.share} ms)`,
      )
    console.log(`refresh() once Unleash shows the change: routed by it after ${afterPublish.join(', ')} ms`)
    for (const r of atWrite) expect(r.share).toBeLessThanOrEqual(300)
    for (const ms of afterPublish) expect(ms).toBeLessThanOrEqual(300)
  })
})

describe('the dual-writes-off cleanup step switches org.dual-write in Unleash', () => {
  it('through the admin API and in flags/ at once; the flag source then reads it off; switching it back (the rollback) works the same way', { timeout: 60_000 }, async (ctx) => {
    if (!unleash) return ctx.skip(skipped)
    await pushFlagsTo(unleash)
    const dir = await tempFlagsDir()
    try {
      const env = {
        UNLEASH_URL: unleash.apiUrl, UNLEASH_API_TOKEN: unleash.clientToken, UNLEASH_ENVIRONMENT: 'production',
        UNLEASH_ADMIN_URL: unleash.url, UNLEASH_ADMIN_TOKEN: unleash.adminToken, FLAGS_DIR: dir.dir,
      }
      const sw = configuredFlagSwitch(env)
      const status = flagStatusFrom(env)
      expect(await sw.unavailable('org.dual-write')).toBeNull()
      expect(flagCheck(await status(), 'org.dual-write', 'off').ok).toBe(false)
      const log: string[] = []
      await sw.set('org.dual-write', false, (l) => log.push(l))
      expect(log.join('\n')).toMatch(/Unleash: org\.dual-write switched off in production/)
      // The reviewed file says the same, so a later `npm run flags -- push` keeps it off.
      expect(JSON.parse(await readFile(join(dir.dir, 'org.dual-write.json'), 'utf8')).environments.find((e: { name: string }) => e.name === 'production').enabled).toBe(false)
      await eventually(async () => (await servedToSdks(unleash!, 'org.dual-write'))?.enabled === false, 10_000, 'Unleash serving org.dual-write off')
      expect(flagCheck(await status(), 'org.dual-write', 'off').ok).toBe(true)
      await sw.set('org.dual-write', true, () => {})
      await eventually(async () => (await servedToSdks(unleash!, 'org.dual-write'))?.enabled === true, 10_000, 'Unleash serving org.dual-write on')
      expect(flagCheck(await status(), 'org.dual-write', 'off').ok).toBe(false)
    } finally {
      await dir.remove()
    }
  })

  it('without admin credentials, refuses with one line saying what to do', async (ctx) => {
    if (!unleash) return ctx.skip(skipped)
    const sw = configuredFlagSwitch({ UNLEASH_URL: unleash.apiUrl, UNLEASH_API_TOKEN: unleash.clientToken, UNLEASH_ENVIRONMENT: 'production' })
    expect(await sw.unavailable('org.dual-write')).toMatch(/set UNLEASH_ADMIN_URL and UNLEASH_ADMIN_TOKEN/)
  })
})
