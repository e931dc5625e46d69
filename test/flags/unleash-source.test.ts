// The Unleash-backed source against a stand-in client API and against no server at all: polling, refresh() on
// demand, one poll timer, outages that keep the last known flags, and a close() that cannot crash the process.
import { randomUUID } from 'node:crypto'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createFlagSource, loadFlagDir, toClientFeatures, type FlagEvent, type FlagSource } from '../../src/flags/index.js'
import { startFakeUnleash, type FakeUnleash } from './fake-unleash.js'
import { FLAGS_DIR, sleep, timeUntil } from './helpers.js'

const org = randomUUID()
const committed = async (env = 'production') => toClientFeatures((await loadFlagDir(FLAGS_DIR)).flags, env).features
const setReadsLive = (pct: number) => (f: { strategies?: Array<{ parameters: Record<string, unknown> }> }) => {
  f.strategies![0]!.parameters.rollout = String(pct)
}

let fake: FakeUnleash | undefined
let flags: FlagSource | undefined
afterEach(async () => {
  await flags?.close()
  await fake?.close()
  flags = undefined
  fake = undefined
})

function source(url: string, token: string, unleash: Record<string, number> = {}, onEvent?: (e: FlagEvent) => void) {
  flags = createFlagSource({
    flagsDir: FLAGS_DIR,
    environment: 'production',
    unleash: { url, apiToken: token, refreshMs: 10_000, ...unleash },
    ...(onEvent ? { onEvent } : {}),
  })
  return flags
}

describe('against a client API', () => {
  it('starts from the server, not from flags/', async () => {
    fake = await startFakeUnleash(await committed())
    fake.update('org.reads', setReadsLive(100))
    const s = source(fake.apiUrl, fake.token)
    await s.ready
    expect(s.stage('org.reads', { organizationId: org })).toBe('live')
    expect(s.status()).toMatchObject({ source: 'unleash', serving: 'unleash', errorCount: 0 })
    expect(s.status().version).toMatch(/^unleash:"fake:\d+:v1"$/)
    expect(s.status().flags['org.reads']?.split.live).toBe(100)
  })

  it('polls at the configured interval', async () => {
    fake = await startFakeUnleash(await committed())
    const s = source(fake.apiUrl, fake.token, { refreshMs: 200 })
    await s.ready
    fake.update('org.reads', (f) => (f.enabled = false))
    const ms = await timeUntil(() => s.stage('org.reads', { organizationId: org }) === 'off', 1000)
    console.log(`poll every 200 ms: change seen in ${ms} ms`)
  })

  it('fetches at once on refresh()', async () => {
    fake = await startFakeUnleash(await committed())
    const s = source(fake.apiUrl, fake.token)
    await s.ready
    fake.update('org.reads', (f) => (f.enabled = false))
    const started = performance.now()
    await s.refresh()
    const ms = performance.now() - started
    expect(s.stage('org.reads', { organizationId: org })).toBe('off')
    console.log(`refresh(): change seen in ${ms.toFixed(1)} ms`)
    expect(ms).toBeLessThan(300)
  })

  it('keeps looking after a refresh() that came before the server published the change', async () => {
    fake = await startFakeUnleash(await committed())
    const s = source(fake.apiUrl, fake.token)
    await s.ready
    // Unleash fires its webhook at write time but serves the change from its next revision tick.
    fake.publishDelayMs = 400
    fake.update('org.reads', (f) => (f.enabled = false))
    await s.refresh()
    expect(s.stage('org.reads', { organizationId: org })).toBe('shadow')
    const ms = await timeUntil(() => s.stage('org.reads', { organizationId: org }) === 'off', 1000)
    console.log(`refresh() 400 ms before publication: change seen ${ms} ms after refresh() returned`)
    expect(ms).toBeLessThan(400 + 250)
  })

  it('keeps one poll timer however many refreshes run', async () => {
    fake = await startFakeUnleash(await committed())
    const s = source(fake.apiUrl, fake.token, { refreshMs: 200, settleMs: 0 })
    await s.ready
    await Promise.all(Array.from({ length: 20 }, () => s.refresh()))
    for (let i = 0; i < 5; i++) await s.refresh()
    const before = fake.requests
    await sleep(1000)
    const polls = fake.requests - before
    // One chain polls ~5 times a second; chains doubling on every refresh would make dozens.
    expect(polls).toBeGreaterThanOrEqual(3)
    expect(polls).toBeLessThanOrEqual(7)
  })

  it('keeps the last flags the server sent through an outage, counts it, and recovers', async () => {
    fake = await startFakeUnleash(await committed())
    // The server says 100 % live; flags/ says shadow. An outage must not fall back to flags/.
    fake.update('org.reads', setReadsLive(100))
    const events: FlagEvent[] = []
    const s = source(fake.apiUrl, fake.token, { refreshMs: 100, timeoutMs: 1000 }, (e) => events.push(e))
    await s.ready
    expect(s.stage('org.reads', { organizationId: org })).toBe('live')
    await fake.down()
    await timeUntil(() => s.status().errorCount >= 2, 15_000, 20)
    expect(s.stage('org.reads', { organizationId: org })).toBe('live')
    expect(s.status()).toMatchObject({ serving: 'unleash' })
    expect(s.status().lastError?.message).toBeTruthy()
    expect(events.some((e) => e.type === 'error')).toBe(true)
    await fake.up()
    fake.update('org.reads', (f) => (f.enabled = false))
    await s.refresh()
    await timeUntil(() => s.stage('org.reads', { organizationId: org }) === 'off', 5000)
    expect(s.status().consecutiveErrors).toBe(0)
  })

  it('counts a refused token and keeps polling (slowly), so a fixed token needs no restart', async () => {
    fake = await startFakeUnleash(await committed())
    fake.update('org.reads', setReadsLive(100))
    const s = source(fake.apiUrl, fake.token, { refreshMs: 100 })
    await s.ready
    fake.refuseTokens = true
    await s.refresh()
    expect(s.status().errorCount).toBe(1)
    expect(s.status().lastError?.message).toMatch(/401/)
    expect(s.stage('org.reads', { organizationId: org })).toBe('live')
    fake.refuseTokens = false
    fake.update('org.reads', (f) => (f.enabled = false))
    // unleash-client stops polling after a 401; the source re-arms it at 10× the interval.
    const ms = await timeUntil(() => s.stage('org.reads', { organizationId: org }) === 'off', 3000)
    console.log(`after a 401, polling resumed and saw the change in ${ms} ms`)
  })
})

describe('with Unleash unreachable', () => {
  it('serves flags/ on a cold start, counts the failures, never crashes, and closes cleanly', async () => {
    const port = await freePort()
    const events: FlagEvent[] = []
    const s = source(`http://127.0.0.1:${port}/api`, 'token', { refreshMs: 200, timeoutMs: 1000, readyTimeoutMs: 300 }, (e) =>
      events.push(e),
    )
    const started = performance.now()
    await s.ready
    expect(performance.now() - started).toBeLessThan(2000)
    expect(s.status()).toMatchObject({ source: 'unleash', serving: 'files' })
    expect(s.status().version).toMatch(/^files:/)
    expect(s.stage('org.reads', { organizationId: org })).toBe('shadow')
    expect(s.isEnabled('org.dual-write', { userId: 1 })).toBe(true)
    await timeUntil(() => s.status().errorCount >= 1, 15_000, 20)
    expect(s.status().lastError?.message).toMatch(/ECONNREFUSED|connect/i)
    expect(events.filter((e) => e.type === 'error').length).toBeGreaterThanOrEqual(1)
    // refresh() during an outage resolves (the webhook endpoint must not throw either).
    await expect(s.refresh()).resolves.toBeUndefined()
    await expect(s.close()).resolves.toBeUndefined()
    flags = undefined
  })

  it('survives close() while a fetch hangs and later fails (the unhandled "error" seen here before)', { timeout: 20_000 }, async () => {
    const hole = await blackHole()
    const s = source(hole.url, 'token', { refreshMs: 100, timeoutMs: 1000, readyTimeoutMs: 100 })
    await s.ready
    await timeUntil(() => hole.connections() > 0, 2000)
    // The first fetch hangs now; close while it does.
    await s.close()
    flags = undefined
    // Long enough for the client's 1 s timeout, its two retries (after 1 s and 2 s) and the failure after destroy().
    await sleep(7000)
    expect(hole.connections()).toBeGreaterThan(0)
    await hole.close()
  })
})

async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

/** Accepts connections and never answers. */
async function blackHole(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  let count = 0
  const server: NetServer = createNetServer((s) => {
    count++
    sockets.add(s)
    s.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api`,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
