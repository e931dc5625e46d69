// The pass-through against a real upstream on loopback: bytes, headers, targets, and failures.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { request, Agent } from 'undici'
import { rawRequest, startUpstream, type TestUpstream } from '../helpers/upstream.js'
import { startTestProxy, type TestProxy } from '../helpers/proxy.js'

let upstream: TestUpstream
let other: TestUpstream
let proxy: TestProxy
// A client that never reuses a socket, so each test sees the proxy's own behaviour per request.
const client = new Agent({ pipelining: 0 })

beforeAll(async () => {
  upstream = await startUpstream()
  other = await startUpstream()
  proxy = await startTestProxy({ upstreamUrl: upstream.url, timeoutMs: 400 })
})
afterAll(async () => {
  await proxy.close()
  await upstream.close()
  await other.close()
  await client.close()
})
afterEach(() => {
  upstream.received.length = 0
  upstream.handle((req, res) => {
    const body = JSON.stringify({ method: req.method, url: req.url })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(body)
  })
})

function header(raw: string[], name: string): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) out.push(raw[i + 1]!)
  return out
}

describe('bytes untouched', () => {
  it('keeps a gzip body compressed, with its Content-Encoding', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify({ hello: 'world'.repeat(100) })))
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length })
      res.end(gz)
    })
    const r = await request(`${proxy.url}/v1/gz`, { headers: { 'accept-encoding': 'gzip' }, dispatcher: client })
    expect(r.headers['content-encoding']).toBe('gzip')
    expect(r.headers['content-length']).toBe(String(gz.length))
    expect(Buffer.from(await r.body.arrayBuffer()).equals(gz)).toBe(true)
  })

  it('keeps status codes, header casing and order, and several Set-Cookie headers', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(418, 'I am a teapot', [
        'X-Custom-Case', 'One',
        'Set-Cookie', 'a=1; Path=/; HttpOnly',
        'Set-Cookie', 'b=2; Path=/v1',
        'Set-Cookie', 'c=3',
        'content-length', '2',
      ])
      res.end('{}')
    })
    const { data } = await rawRequest(proxy.port, 'GET /v1/tea HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const text = data.toString('latin1')
    expect(text.startsWith('HTTP/1.1 418 I am a teapot\r\n')).toBe(true)
    expect(text).toContain('\r\nX-Custom-Case: One\r\n')
    const cookies = text.split('\r\n').filter((l) => l.startsWith('Set-Cookie: '))
    expect(cookies).toEqual(['Set-Cookie: a=1; Path=/; HttpOnly', 'Set-Cookie: b=2; Path=/v1', 'Set-Cookie: c=3'])
    expect(text.endsWith('\r\n\r\n{}')).toBe(true)
  })

  it('sends no body for HEAD, 204 and 304', async () => {
    upstream.handle((req, res) => {
      if (req.url === '/v1/none') return res.writeHead(204).end()
      if (req.url === '/v1/same') return res.writeHead(304, { etag: '"x"' }).end()
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' })
      res.end(req.method === 'HEAD' ? undefined : 'hello world')
    })
    for (const [method, path, status] of [['HEAD', '/v1/head', 200], ['GET', '/v1/none', 204], ['GET', '/v1/same', 304]] as const) {
      // Two requests on one connection: a stray body byte would corrupt the second response.
      const req = `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`
      const { data } = await rawRequest(proxy.port, req)
      const text = data.toString('latin1')
      const [first, second] = text.split(/(?=HTTP\/1\.1 )/)
      expect(first).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
      expect(first!.endsWith('\r\n\r\n')).toBe(true)
      if (method === 'HEAD') expect(first).toMatch(/content-length: 11/i)
      expect(second).toMatch(/^HTTP\/1.1 200 /)
      expect(second!.endsWith('\r\n\r\nhello world')).toBe(true)
    }
  })

  it('forwards path and query byte for byte', async () => {
    const targets = ['/v1/a%2Fb/c?x=1+2&x=3&y=%20z&empty=&flag', '/v1/trailing/', '/v1/%7Euser?q=a%2Bb', '/v1//double//slash', '/v1/caf%C3%A9?q=%E2%9C%93&a=b=c;d']
    for (const target of targets) {
        await rawRequest(proxy.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    }
    await upstream.waitFor(targets.length)
    expect(upstream.received.map((r) => r.url)).toEqual(targets)
  })

  it('streams a 20 MiB upload and a 20 MiB download without changing a byte', async () => {
    const size = 20 * 1024 * 1024
    let uploadHash = ''
    upstream.handle((req, res) => {
      const h = createHash('sha256')
      req.on('data', (c) => h.update(c))
      req.on('end', () => {
        uploadHash = h.digest('hex')
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        // Deterministic download body, written in chunks as a CSV export would be.
        let sent = 0
        const chunk = Buffer.alloc(64 * 1024, 7)
        const pump = () => {
          while (sent < size) {
            sent += chunk.length
            if (!res.write(chunk)) return res.once('drain', pump)
          }
          res.end()
        }
        pump()
      })
    })
    const body = Buffer.alloc(size, 3)
    const expectedUpload = createHash('sha256').update(body).digest('hex')
    const r = await request(`${proxy.url}/v1/voters/voter-file/upload`, {
      method: 'POST',
      body: Readable.from((function* () { for (let i = 0; i < size; i += 1 << 20) yield body.subarray(i, i + (1 << 20)) })()),
      dispatcher: client,
    })
    const down = createHash('sha256')
    let downloaded = 0
    for await (const c of r.body) {
      downloaded += c.length
      down.update(c)
    }
    expect(uploadHash).toBe(expectedUpload)
    expect(downloaded).toBe(size)
    expect(down.digest('hex')).toBe(createHash('sha256').update(Buffer.alloc(size, 7)).digest('hex'))
  })

  it('streams the response: the client reads the first chunk before the upstream writes the last', async () => {
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    upstream.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first,')
      await released
      res.end('last')
    })
    const r = await request(`${proxy.url}/v1/stream`, { dispatcher: client })
    const it = r.body[Symbol.asyncIterator]()
    const first = await it.next()
    expect(String(first.value)).toBe('first,')
    release()
    let rest = ''
    for (let n = await it.next(); !n.done; n = await it.next()) rest += String(n.value)
    expect(rest).toBe('last')
  })
})

describe('proxy header rules (RFC 9110)', () => {
  it('removes hop-by-hop headers both ways, including those named in Connection', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(200, ['Connection', 'X-Up-Private, keep-alive', 'X-Up-Private', 'secret', 'Keep-Alive', 'timeout=5', 'X-Up-Public', 'yes', 'content-length', '2'])
      res.end('ok')
    })
    const { data } = await rawRequest(
      proxy.port,
      'GET /v1/hop HTTP/1.1\r\nHost: x\r\nConnection: close, X-Client-Private\r\nX-Client-Private: 1\r\nKeep-Alive: timeout=3\r\nTE: trailers\r\nProxy-Authorization: Basic Zm9v\r\nUpgrade: h2c\r\nX-Client-Public: 2\r\n\r\n',
    )
    await upstream.waitFor(1)
    const got = upstream.received[0]!.rawHeaders
    expect(header(got, 'x-client-private')).toEqual([])
    expect(header(got, 'keep-alive')).toEqual([])
    expect(header(got, 'te')).toEqual([])
    expect(header(got, 'proxy-authorization')).toEqual([])
    expect(header(got, 'upgrade')).toEqual([])
    expect(header(got, 'x-client-public')).toEqual(['2'])
    const text = data.toString('latin1').toLowerCase()
    expect(text).not.toContain('x-up-private')
    expect(text).not.toContain('keep-alive: timeout=5')
    expect(text).toContain('x-up-public: yes')
  })

  it('appends X-Forwarded-For, sets X-Forwarded-Proto and X-Forwarded-Host, replaces Host', async () => {
    await request(`${proxy.url}/v1/fwd`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'gopher', host: 'app.goodparty.org' },
      dispatcher: client,
    }).then((r) => r.body.dump())
    await upstream.waitFor(1)
    const got = upstream.received[0]!.rawHeaders
    expect(header(got, 'x-forwarded-for')).toEqual(['203.0.113.9, 127.0.0.1'])
    expect(header(got, 'x-forwarded-proto')).toEqual(['http'])
    expect(header(got, 'x-forwarded-host')).toEqual(['app.goodparty.org'])
    expect(header(got, 'host')).toEqual([`127.0.0.1:${upstream.port}`])
  })

  it('keeps a client X-Request-Id, creates one otherwise, and logs it', async () => {
    const kept = await request(`${proxy.url}/v1/id`, { headers: { 'x-request-id': 'client-id-123' }, dispatcher: client })
    await kept.body.dump()
    expect(kept.headers['x-request-id']).toBe('client-id-123')
    const made = await request(`${proxy.url}/v1/id2`, { dispatcher: client })
    await made.body.dump()
    const id = String(made.headers['x-request-id'])
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    await upstream.waitFor(2)
    expect(header(upstream.received[0]!.rawHeaders, 'x-request-id')).toEqual(['client-id-123'])
    expect(header(upstream.received[1]!.rawHeaders, 'x-request-id')).toEqual([id])
    await new Promise((r) => setTimeout(r, 50))
    const logged = proxy.logs.filter((l) => l.msg === 'request').map((l) => l.reqId)
    expect(logged).toContain('client-id-123')
    expect(logged).toContain(id)
  })
})

describe('the upstream is fixed by configuration', () => {
  it('absolute-form, //host and a foreign Host header all reach the configured upstream only', async () => {
    const payloads = [
      `GET http://127.0.0.1:${other.port}/v1/steal?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nConnection: close\r\n\r\n`,
      `GET //127.0.0.1:${other.port}/v1/steal HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      `GET /v1/steal HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nConnection: close\r\n\r\n`,
      `GET https://evil.example HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    ]
    for (const p of payloads) await rawRequest(proxy.port, p)
    await upstream.waitFor(4)
    expect(other.received).toHaveLength(0)
    expect(upstream.received.map((r) => r.url)).toEqual(['/v1/steal?x=1', `//127.0.0.1:${other.port}/v1/steal`, '/v1/steal', '/'])
  })

  it('refuses CONNECT tunnels and asterisk-form targets', async () => {
    const connect = await rawRequest(proxy.port, `CONNECT 127.0.0.1:${other.port} HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\n\r\n`)
    expect(connect.data.toString()).toMatch(/^HTTP\/1.1 501 /)
    const star = await rawRequest(proxy.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(star.data.toString()).toMatch(/^HTTP\/1.1 400 /)
    expect(star.data.toString()).toContain('application/problem+json')
    expect(other.received).toHaveLength(0)
  })
})

describe('failures', () => {
  it('answers 502 problem+json when the upstream is unreachable', async () => {
    const dead = await startTestProxy({ upstreamUrl: 'http://127.0.0.1:9' })
    try {
      const r = await request(`${dead.url}/v1/x`, { dispatcher: client })
      expect(r.statusCode).toBe(502)
      expect(r.headers['content-type']).toBe('application/problem+json')
      const body = (await r.body.json()) as { status: number; title: string; requestId: string }
      expect(body).toMatchObject({ status: 502, title: 'Bad Gateway' })
      expect(body.requestId).toBe(r.headers['x-request-id'])
    } finally {
      await dead.close()
    }
  })

  it('answers 504 problem+json when no response headers arrive in time', async () => {
    upstream.handle(() => {
      /* never answers */
    })
    const r = await request(`${proxy.url}/v1/slow`, { dispatcher: client })
    expect(r.statusCode).toBe(504)
    expect(r.headers['content-type']).toBe('application/problem+json')
    expect(await r.body.json()).toMatchObject({ status: 504, title: 'Gateway Timeout' })
  })

  it('cuts the client connection when the upstream dies mid-body (chunked and sized)', async () => {
    for (const sized of [false, true]) {
      upstream.handle((_req, res) => {
        res.writeHead(200, sized ? { 'content-length': '1000' } : {})
        res.write('partial')
        setTimeout(() => res.socket?.destroy(), 30)
      })
      const r = await request(`${proxy.url}/v1/dies`, { dispatcher: client })
      await expect(r.body.text()).rejects.toThrow()
    }
    // The raw view: a chunked body never gets its terminating zero-size chunk.
    upstream.handle((_req, res) => {
      res.writeHead(200)
      res.write('partial')
      setTimeout(() => res.socket?.destroy(), 30)
    })
    const { data } = await rawRequest(proxy.port, 'GET /v1/dies HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(data.toString()).toContain('partial')
    expect(data.toString().endsWith('0\r\n\r\n')).toBe(false)
  })

  it('aborts the upstream request when the client goes away', async () => {
    let upstreamClosed!: () => void
    const closed = new Promise<void>((r) => (upstreamClosed = r))
    upstream.handle((req, res) => {
      res.writeHead(200)
      res.write('start')
      req.socket.on('close', () => upstreamClosed())
    })
    const controller = new AbortController()
    const r = await request(`${proxy.url}/v1/long`, { dispatcher: client, signal: controller.signal })
    for await (const _ of r.body) {
      controller.abort()
      break
    }
    await closed
    await upstream.waitFor(1)
    expect(upstream.received[0]!.aborted).toBe(true)
  })

  it('gives a malformed request a 4xx and keeps serving', async () => {
    const bad = await rawRequest(proxy.port, 'GET /v1/x HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n')
    expect(bad.data.toString()).toMatch(/^HTTP\/1.1 400 /)
    expect(bad.data.toString()).toContain('application/problem+json')
    const huge = await rawRequest(proxy.port, `GET /v1/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`)
    expect(huge.data.toString()).toMatch(/^HTTP\/1.1 431 /)
    const garbage = await rawRequest(proxy.port, '\x00\x01\x02 nonsense\r\n\r\n')
    expect(garbage.data.toString()).toMatch(/^HTTP\/1.1 400 /)
    const ok = await request(`${proxy.url}/v1/still-alive`, { dispatcher: client })
    expect(ok.statusCode).toBe(200)
    await ok.body.dump()
  })
})
