// The phase 3 contract plumbing: the flag requirements the cleanup steps read ("live for 100 %", "off for
// everyone"), the flag switch on real flag files (and its one-line refusal where Unleash serves the flags
// without admin credentials), and the CLI's --confirm and --list for the new steps.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as contractCli } from '../../src/cli/contract.js'
import { configuredFlagSwitch, flagCheck, type FlagStatus } from '../../src/contract/index.js'
import { createFlagSource, FLAG } from '../../src/flags/index.js'
import { tempFlagsDir } from '../flags/helpers.js'
import { phase1Database, type Phase1Database } from '../organizations/harness.js'

const split = (live: number, shadow: number) => ({ enabled: true, on: live + shadow, split: { live, shadow, off: 100 - live - shadow }, exact: true })
const status = (flags: FlagStatus['flags'], extra: Partial<FlagStatus> = {}): FlagStatus => ({ source: 'files', serving: 'files', killSwitch: false, flags, ...extra })

describe('flagCheck', () => {
  it('live: 100 % live only, exact, and not while the kill switch is on or Unleash is not answering', () => {
    expect(flagCheck(status({ 'org.reads': split(100, 0) }), FLAG.reads, 'live')).toEqual({ ok: true, line: 'org.reads: 100 % live, 0 % shadow, 0 % off (needs 100 % live)' })
    expect(flagCheck(status({ 'org.reads': split(50, 50) }), FLAG.reads, 'live').ok).toBe(false)
    expect(flagCheck(status({ 'org.reads': { ...split(100, 0), exact: false } }), FLAG.reads, 'live').ok).toBe(false)
    expect(flagCheck(status({ 'org.reads': split(100, 0) }, { killSwitch: true }), FLAG.reads, 'live')).toMatchObject({ ok: false, line: expect.stringMatching(/^org\.kill-switch: on/) })
    expect(flagCheck(status({ 'org.reads': split(100, 0) }, { source: 'unleash', serving: 'files' }), FLAG.reads, 'live').ok).toBe(false)
    expect(flagCheck(status({}), FLAG.reads, 'live')).toEqual({ ok: false, line: 'org.reads: not defined (needs 100 % live)' })
  })

  it('off: disabled, or enabled for 0 %; anything else is not off', () => {
    expect(flagCheck(status({ 'org.dual-write': { enabled: false, on: 0, split: { live: 0, shadow: 0, off: 100 }, exact: true } }), FLAG.dualWrite, 'off')).toEqual({ ok: true, line: 'org.dual-write: off (needs off for everyone)' })
    expect(flagCheck(status({ 'org.dual-write': split(0, 0) }), FLAG.dualWrite, 'off').ok).toBe(true)
    expect(flagCheck(status({ 'org.dual-write': split(0, 10) }), FLAG.dualWrite, 'off')).toEqual({ ok: false, line: 'org.dual-write: on for 10 % (needs off for everyone)' })
    expect(flagCheck(status({}), FLAG.dualWrite, 'off').ok).toBe(true)
  })
})

describe('the flag switch', () => {
  let flags: Awaited<ReturnType<typeof tempFlagsDir>>
  beforeAll(async () => {
    flags = await tempFlagsDir()
  })
  afterAll(() => flags?.remove())

  it('edits the flag file of the configured environment; the proxy’s flag source reads it off, then on', async () => {
    const sw = configuredFlagSwitch({ FLAGS_DIR: flags.dir, UNLEASH_ENVIRONMENT: 'production' })
    expect(await sw.unavailable(FLAG.dualWrite)).toBeNull()
    const read = async () => {
      const source = createFlagSource({ flagsDir: flags.dir, environment: 'production', watch: false })
      await source.ready
      const s = source.status()
      await source.close()
      return flagCheck(s, FLAG.dualWrite, 'off').ok
    }
    expect(await read()).toBe(false)
    const lines: string[] = []
    await sw.set(FLAG.dualWrite, false, (l) => lines.push(l))
    expect(await read()).toBe(true)
    const file = JSON.parse(await readFile(join(flags.dir, 'org.dual-write.json'), 'utf8'))
    expect(file.environments.map((e: { name: string; enabled: boolean }) => [e.name, e.enabled])).toEqual([['production', false], ['development', true]])
    await sw.set(FLAG.dualWrite, true, (l) => lines.push(l))
    expect(await read()).toBe(false)
  })

  it('with Unleash serving the flags and no admin credentials: one line saying what to do', async () => {
    const sw = configuredFlagSwitch({ FLAGS_DIR: flags.dir, UNLEASH_URL: 'http://127.0.0.1:9/api', UNLEASH_API_TOKEN: 't' })
    expect(await sw.unavailable(FLAG.dualWrite)).toMatch(/^org\.dual-write is served by Unleash \(UNLEASH_URL\): set UNLEASH_ADMIN_URL and UNLEASH_ADMIN_TOKEN/)
  })
})

describe('npm run contract -- (phase 3)', () => {
  let db: Phase1Database
  beforeAll(async () => {
    db = await phase1Database({ users: 5, seed: 4 })
  })
  afterAll(() => db?.close())
  const io = () => {
    const out: string[] = []
    const err: string[] = []
    return { out, err, io: { env: { DATABASE_URL: db.url }, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
  }

  it('--list shows the cleanup steps and whether each is in force', async () => {
    const c = io()
    expect(await contractCli(['--list'], c.io)).toBe(0)
    for (const name of ['dual-writes-off', 'remove-br-l2', 'remove-br-l2-confirm', 'elected-office-campaign-id', 'elected-office-campaign-id-confirm'])
      expect(c.out.some((l) => l.startsWith(`${name} `) && l.includes('not applied') && l.includes('(phase 3)'))).toBe(true)
  })

  it('<step> --confirm runs the step’s confirm, which refuses before the step ran; bad combinations are usage errors', async () => {
    const c = io()
    expect(await contractCli(['remove-br-l2', '--confirm'], c.io)).toBe(1)
    expect(c.out).toContain('remove-br-l2 has not run: nothing to confirm')
    expect(c.err).toEqual(['contract: remove-br-l2-confirm refused'])
    const c2 = io()
    expect(await contractCli(['organization-not-null', '--confirm'], c2.io)).toBe(2)
    expect(c2.err[0]).toMatch(/organization-not-null has no confirm step/)
    const c3 = io()
    expect(await contractCli(['remove-br-l2', '--confirm', '--rollback'], c3.io)).toBe(2)
  })

  it('a rollback of a step never applied refuses nothing and changes nothing', async () => {
    const c = io()
    expect(await contractCli(['remove-br-l2', '--rollback'], c.io)).toBe(0)
    expect(c.out).toContain('no removal in force (a rollback finds nothing to restore)')
    const [n] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM org_proxy.legacy_cleanup`
    expect(n!.n).toBe(0)
  })
})
