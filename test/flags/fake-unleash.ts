// A stand-in for Unleash's client API (GET /api/client/features with ETag/304), for the flag source's polling,
// refresh and outage tests: fast, and able to go down, refuse tokens, or publish changes late like Unleash does.
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { FeatureInterface } from 'unleash-client/lib/feature.js'

export type FakeUnleash = {
  apiUrl: string
  token: string
  requests: number
  /** Replaces the flags; clients see them after `publishDelayMs` (Unleash's revision tick). */
  publish: (features: FeatureInterface[]) => void
  /** Mutates one flag and publishes. */
  update: (name: string, change: (f: FeatureInterface) => void) => void
  publishDelayMs: number
  /** Answer 401 to everyone while set. */
  refuseTokens: boolean
  /** Stops listening and drops open connections (a crash); `up()` listens again on the same port. */
  down: () => Promise<void>
  up: () => Promise<void>
  close: () => Promise<void>
}

export async function startFakeUnleash(initial: FeatureInterface[], token = 'test-client-token'): Promise<FakeUnleash> {
  let served = structuredClone(initial)
  let revision = 1
  const sockets = new Set<Socket>()
  const fake = {
    requests: 0,
    publishDelayMs: 0,
    refuseTokens: false,
  } as FakeUnleash

  const server: Server = createServer((req, res) => {
    fake.requests++
    if (req.url?.split('?')[0] !== '/api/client/features') return void res.writeHead(404).end()
    if (fake.refuseTokens || req.headers.authorization !== token) return void res.writeHead(401).end()
    const etag = `"fake:${revision}:v1"`
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end()
    res.writeHead(200, { 'content-type': 'application/json', etag })
    res.end(JSON.stringify({ version: 2, features: served }))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port

  const apply = (next: FeatureInterface[]) => {
    served = next
    revision++
  }
  fake.apiUrl = `http://127.0.0.1:${port}/api`
  fake.token = token
  fake.publish = (features) => {
    const next = structuredClone(features)
    if (fake.publishDelayMs > 0) setTimeout(() => apply(next), fake.publishDelayMs)
    else apply(next)
  }
  fake.update = (name, change) => {
    const next = structuredClone(served)
    const f = next.find((x) => x.name === name)
    if (!f) throw new Error(`no flag ${name}`)
    change(f)
    fake.publish(next)
  }
  fake.down = async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  }
  fake.up = () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  fake.close = async () => {
    if (server.listening) await fake.down()
  }
  return fake
}
