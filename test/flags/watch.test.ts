// Without Unleash, an edit to flags/ reroutes traffic within a second; a bad edit keeps the last good flags and is
// counted and logged once.
import { randomUUID } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFlagSource, type FlagEvent, type FlagSource } from '../../src/flags/index.js'
import { editFlag, FLAGS_DIR, setRollout, sleep, tempFlagsDir, timeUntil, writeRaw } from './helpers.js'

describe('files mode: watching flags/', () => {
  let tmp: Awaited<ReturnType<typeof tempFlagsDir>>
  let flags: FlagSource
  let events: FlagEvent[]
  let logged: Array<{ level: string; msg?: string; obj: object }>
  const org = randomUUID()

  beforeEach(async () => {
    tmp = await tempFlagsDir()
    events = []
    logged = []
    const log = (level: string) => (obj: object, msg?: string) => void logged.push({ level, obj, ...(msg ? { msg } : {}) })
    flags = createFlagSource({
      flagsDir: tmp.dir,
      environment: 'production',
      onEvent: (e) => events.push(e),
      log: { info: log('info'), warn: log('warn'), error: log('error') },
    })
    await flags.ready
  })
  afterEach(async () => {
    await flags.close()
    await tmp.remove()
  })

  it('reroutes within a second of an editor saving by rename', async () => {
    expect(flags.stage('org.reads', { organizationId: org })).toBe('shadow')
    const before = flags.status().version
    await editFlag(tmp.dir, 'org.reads', (f) => setRollout(f, 'production', 0, 100))
    const ms = await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'live', 1000)
    console.log(`files mode: rename-on-save → live in ${ms} ms`)
    expect(flags.status().version).not.toBe(before)
    expect(events.filter((e) => e.type === 'refresh' && e.changed && e.trigger === 'watch')).toHaveLength(1)
  })

  it('reroutes within a second of an in-place write, and back again (rollback)', async () => {
    await editFlag(tmp.dir, 'org.reads', (f) => setRollout(f, 'production', 0, 100), { atomic: false })
    await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'live', 1000)
    await editFlag(
      tmp.dir,
      'org.reads',
      (f) => {
        f.environments.find((e) => e.name === 'production')!.enabled = false
      },
      { atomic: false },
    )
    const ms = await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'off', 1000)
    console.log(`files mode: flag switched off → off in ${ms} ms`)
  })

  it('keeps the last good flags on a bad edit, counting and logging it once', async () => {
    await editFlag(tmp.dir, 'org.reads', (f) => setRollout(f, 'production', 0, 100))
    await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'live', 1000)
    const good = flags.status().version

    await writeRaw(tmp.dir, 'org.reads.json', '{ "name": "org.reads", ')
    await timeUntil(() => flags.status().errorCount === 1, 1000)
    await sleep(300)
    const st = flags.status()
    expect(st.errorCount).toBe(1)
    expect(st.lastError?.message).toMatch(/org\.reads\.json: invalid JSON/)
    expect(st.version).toBe(good)
    expect(flags.stage('org.reads', { organizationId: org })).toBe('live')
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1)
    expect(logged.filter((l) => l.level === 'error')).toHaveLength(1)

    // Valid JSON, invalid flag: named by file and field.
    const original = await readFile(join(FLAGS_DIR, 'org.reads.json'), 'utf8')
    const badType = JSON.stringify({ ...JSON.parse(original), type: 'nonsense' })
    await writeRaw(tmp.dir, 'org.reads.json', badType)
    await timeUntil(() => flags.status().errorCount === 2, 1000)
    expect(flags.status().lastError?.message).toMatch(/org\.reads\.json: type: /)
    expect(flags.stage('org.reads', { organizationId: org })).toBe('live')

    // Saving the same bad bytes again is not a new error.
    await writeRaw(tmp.dir, 'org.reads.json', badType)
    await sleep(400)
    expect(flags.status().errorCount).toBe(2)

    // The fix is picked up and the run of errors ends.
    await writeRaw(tmp.dir, 'org.reads.json', original)
    await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'shadow', 1000)
    expect(flags.status().consecutiveErrors).toBe(0)
  })

  it('refuses a file whose name does not match its flag', async () => {
    await editFlag(tmp.dir, 'org.reads', (f) => {
      f.name = 'org.readz'
    })
    await timeUntil(() => flags.status().errorCount === 1, 1000)
    expect(flags.status().lastError?.message).toMatch(/must match the file name/)
    expect(flags.stage('org.reads', { organizationId: org })).toBe('shadow')
  })

  it('ignores editor droppings and survives a file deleted', async () => {
    await writeRaw(tmp.dir, '.org.reads.json.swp', 'garbage', { atomic: false })
    await writeRaw(tmp.dir, 'org.reads.json~', 'garbage', { atomic: false })
    await sleep(400)
    expect(flags.status().errorCount).toBe(0)
    await rm(join(tmp.dir, 'org.reads.json'))
    // A flag no longer in flags/ is off: deleting its file is a rollback too.
    await timeUntil(() => flags.stage('org.reads', { organizationId: org }) === 'off', 1000)
  })

  it('rereads at once on refresh()', async () => {
    const slow = createFlagSource({ flagsDir: tmp.dir, environment: 'production', watch: false })
    await slow.ready
    await editFlag(tmp.dir, 'org.reads', (f) => setRollout(f, 'production', 0, 100))
    expect(slow.stage('org.reads', { organizationId: org })).toBe('shadow')
    await slow.refresh()
    expect(slow.stage('org.reads', { organizationId: org })).toBe('live')
    await slow.close()
  })
})
