// The stand-in over a real loopback port: the streamed CSV download and startLegacyServer's lifecycle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLegacyServer, type LegacyServer } from '../../src/legacy/index.js'
import { answer, legacyFixture, SECRET, type LegacyFixture } from './fixture.js'

let f: LegacyFixture
let server: LegacyServer
let userId: number

beforeAll(async () => {
  f = await legacyFixture()
  userId = await f.addUser()
  await f.addCampaign({ userId, slug: 'csv-campaign' })
  server = await startLegacyServer({ sql: f.sql, authSecret: SECRET })
})
afterAll(async () => {
  await server?.close()
  await f.close()
  expect(f.errors).toEqual([])
})

describe('GET /v1/voters/voter-file/download', () => {
  it('streams the default 100000 rows chunked, with a filename', async () => {
    const res = await fetch(`${server.url}/v1/voters/voter-file/download`, { headers: { authorization: `Bearer ${f.tokenFor(userId)}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="voters-csv-campaign.csv"')
    expect(res.headers.get('transfer-encoding')).toBe('chunked')
    const text = await res.text()
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toBe('voterId,firstName,lastName,party,age,gender,zip,phone,registered')
    expect(lines).toHaveLength(100_001)
  })

  it('answers the same bytes every time, sized by ?rows', async () => {
    const get = () => f.call('GET', '/v1/voters/voter-file/download?rows=5', { token: f.tokenFor(userId) }).then((r) => r.text())
    const first = await get()
    expect(first.trimEnd().split('\n')).toHaveLength(6)
    expect(await get()).toBe(first)
  })

  it('answers 400 for a bad rows value, 401 without a token, 404 without a campaign', async () => {
    const token = f.tokenFor(userId)
    for (const rows of ['-1', 'abc', '1.5', '10000001'])
      expect((await f.call('GET', `/v1/voters/voter-file/download?rows=${rows}`, { token })).status).toBe(400)
    expect((await f.call('GET', '/v1/voters/voter-file/download')).status).toBe(401)
    const lonely = await f.addUser()
    expect((await f.call('GET', '/v1/voters/voter-file/download', { token: f.tokenFor(lonely) })).status).toBe(404)
  })
})

describe('startLegacyServer', () => {
  it('serves the app on 127.0.0.1 and closes with keep-alive connections open', async () => {
    const own = await startLegacyServer({ sql: f.sql, authSecret: SECRET })
    expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await answer(await fetch(`${own.url}/v1/health`))).toEqual({ status: 200, body: { ok: true } })
    expect((await fetch(`${own.url}/v1/nope`)).status).toBe(404)
    await own.close()
    await expect(fetch(`${own.url}/v1/health`)).rejects.toThrow()
  })
})

describe('unexpected errors', () => {
  it("answer NestJS's opaque 500 and are reported", async () => {
    await f.sql`ALTER TABLE voter_file_filter RENAME TO voter_file_filter_gone`
    try {
      const res = await f.call('GET', '/v1/voters/voter-file/filters', { token: f.tokenFor(userId) })
      expect(await answer(res)).toEqual({ status: 500, body: { statusCode: 500, message: 'Internal server error' } })
      expect(f.errors).toHaveLength(1)
      f.errors.length = 0
    } finally {
      await f.sql`ALTER TABLE voter_file_filter_gone RENAME TO voter_file_filter`
    }
  })
})
