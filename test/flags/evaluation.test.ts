// Offline evaluation of the committed flags/: the stage rule, sticky percentages, the userId fallback, the kill switch.
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFlagSource, toUnleashContext, type FlagSource, type Stage } from '../../src/flags/index.js'
import { editFlag, FLAGS_DIR, tempFlagsDir } from './helpers.js'

const open: FlagSource[] = []
async function source(environment: string, flagsDir = FLAGS_DIR) {
  const s = createFlagSource({ flagsDir, environment, watch: false })
  open.push(s)
  await s.ready
  return s
}
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()))
})

describe('committed flags, development: org.reads is 10 % live + 90 % shadow', () => {
  let flags: FlagSource
  const orgs = Array.from({ length: 10_000 }, () => randomUUID())
  beforeAll(async () => {
    flags = await source('development')
  })

  it('lands within ±3 % of 10 % live over 10,000 organizations, the rest in shadow', () => {
    const count: Record<Stage, number> = { off: 0, shadow: 0, live: 0 }
    for (const organizationId of orgs) count[flags.stage('org.reads', { organizationId })]++
    console.log(`org.reads over ${orgs.length} organizations: ${JSON.stringify(count)}`)
    expect(count.off).toBe(0)
    expect(Math.abs(count.live / orgs.length - 0.1)).toBeLessThanOrEqual(0.03)
    expect(count.shadow + count.live).toBe(orgs.length)
  })

  it('gives an organization the same stage every time, and in another process-wide instance too', async () => {
    const first = orgs.map((organizationId) => flags.stage('org.reads', { organizationId }))
    const again = orgs.map((organizationId) => flags.stage('org.reads', { organizationId }))
    expect(again).toEqual(first)
    const other = await source('development')
    expect(orgs.map((organizationId) => other.stage('org.reads', { organizationId }))).toEqual(first)
    // A user's id does not move an organization: the organization decides.
    expect(orgs.slice(0, 500).map((organizationId, i) => flags.stage('org.reads', { organizationId, userId: i }))).toEqual(
      first.slice(0, 500),
    )
  })

  it('falls back to the user id when there is no organization, sticky per user', () => {
    const users = Array.from({ length: 2000 }, (_, i) => i + 1)
    const byUser = users.map((userId) => flags.stage('org.reads', { userId }))
    expect(byUser.filter((s) => s === 'off')).toHaveLength(0)
    const live = byUser.filter((s) => s === 'live').length
    expect(live).toBeGreaterThan(0)
    expect(live).toBeLessThan(users.length)
    expect(users.map((userId) => flags.stage('org.reads', { userId: String(userId) }))).toEqual(byUser)
    // The fallback buckets the user's id exactly as an organization with that id.
    expect(users.map((userId) => flags.stage('org.reads', { organizationId: String(userId) }))).toEqual(byUser)
  })

  it('puts the sticky id where unleash-client reads it for stickiness "organizationId"', () => {
    expect(toUnleashContext({ organizationId: 'o-1', userId: 7 })).toEqual({ userId: '7', properties: { organizationId: 'o-1' } })
    expect(toUnleashContext({ userId: 7 })).toEqual({ userId: '7', properties: { organizationId: '7' } })
    expect(toUnleashContext({ organizationId: 'o-1' })).toEqual({ userId: 'o-1', properties: { organizationId: 'o-1' } })
    expect(toUnleashContext({})).toEqual({})
  })

  it('keeps an anonymous request (no organization, no user) on legacy', () => {
    expect(flags.stage('org.reads', {})).toBe('off')
    expect(flags.stage('org.reads')).toBe('off')
  })

  it('reports the split it evaluates', () => {
    const st = flags.status()
    expect(st.source).toBe('files')
    expect(st.serving).toBe('files')
    expect(st.version).toMatch(/^files:[0-9a-f]{12}$/)
    expect(st.flags['org.reads']).toMatchObject({ enabled: true, split: { off: 0, shadow: 90, live: 10 }, exact: true })
    expect(st.killSwitch).toBe(false)
  })
})

describe('committed flags, production', () => {
  let flags: FlagSource
  beforeAll(async () => {
    flags = await source('production')
  })

  it('has reads in shadow for everyone, dual writes on, the kill switch off', () => {
    for (let i = 0; i < 1000; i++) expect(flags.stage('org.reads', { organizationId: randomUUID() })).toBe('shadow')
    expect(flags.isEnabled('org.dual-write', { organizationId: randomUUID() })).toBe(true)
    expect(flags.isEnabled('org.dual-write', { userId: 12 })).toBe(true)
    expect(flags.killSwitch()).toBe(false)
  })

  it('answers off for a disabled flag and for a flag it does not know', () => {
    expect(flags.status().flags['org.voter-filters']?.enabled).toBe(false)
    expect(flags.stage('org.voter-filters', { organizationId: randomUUID() })).toBe('off')
    expect(flags.stage('org.new-campaign', { userId: 3 })).toBe('off')
    expect(flags.stage('org.unknown' as never, { userId: 3 })).toBe('off')
  })
})

describe('the kill switch', () => {
  let tmp: Awaited<ReturnType<typeof tempFlagsDir>>
  afterEach(async () => {
    await tmp?.remove()
  })

  it('turns every stage off and every flag false, whatever the others say', async () => {
    tmp = await tempFlagsDir()
    await editFlag(tmp.dir, 'org.kill-switch', (f) => {
      f.environments.find((e) => e.name === 'development')!.enabled = true
    })
    const flags = await source('development', tmp.dir)
    const orgs = Array.from({ length: 1000 }, () => randomUUID())
    expect(orgs.every((organizationId) => flags.stage('org.reads', { organizationId }) === 'off')).toBe(true)
    expect(flags.stage('org.switcher', { userId: 1 })).toBe('off')
    expect(flags.isEnabled('org.dual-write', { organizationId: orgs[0]! })).toBe(false)
    expect(flags.killSwitch()).toBe(true)
    expect(flags.killSwitch({ organizationId: orgs[0]! })).toBe(true)
    expect(flags.isEnabled('org.kill-switch')).toBe(true)
    expect(flags.status().killSwitch).toBe(true)
    // The same files without the switch route as usual.
    const normal = await source('development')
    expect(orgs.some((organizationId) => normal.stage('org.reads', { organizationId }) === 'live')).toBe(true)
  })
})

describe('cost', () => {
  it('decides a stage in a few microseconds', async () => {
    const flags = await source('development')
    const orgs = Array.from({ length: 20_000 }, () => randomUUID())
    for (const organizationId of orgs) flags.stage('org.reads', { organizationId })
    const started = performance.now()
    for (const organizationId of orgs) flags.stage('org.reads', { organizationId })
    const us = ((performance.now() - started) * 1000) / orgs.length
    console.log(`stage(): ${us.toFixed(2)} µs per call`)
    // Generous: this machine is shared; the point is microseconds, not milliseconds.
    expect(us).toBeLessThan(200)
  })
})
