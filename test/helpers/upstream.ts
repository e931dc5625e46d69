// A real HTTP server on loopback that stands in for the legacy API in proxy tests: each test scripts
// its answers and reads back exactly what arrived (raw headers, path, body bytes).
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'

export type Received = { method: string; url: string; rawHeaders: string[]; body: Buffer; aborted: boolean }
export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown

export type TestUpstream = {
  url: string
  port: number
  server: Server
  received: Received[]
  /** Resolves when `n` requests have arrived (bodies read or aborted). */
  waitFor(n: number): Promise<void>
  handle(handler: Handler): void
  close(): Promise<void>
}

/** Default answer: 200 JSON echo of method and url. */
const echo: Handler = (req, res) => {
  const body = JSON.stringify({ method: req.method, url: req.url })
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

export async function startUpstream(opts: { record?: boolean } = {}): Promise<TestUpstream> {
  const received: Received[] = []
  let handler: Handler = echo
  const waiters: { n: number; resolve: () => void }[] = []
  const settle = () => {
    for (const w of [...waiters]) if (received.length >= w.n) (waiters.splice(waiters.indexOf(w), 1), w.resolve())
  }
  const server = createServer((req, res) => {
    if (opts.record !== false) {
      const entry: Received = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.alloc(0), aborted: false }
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        // Large bodies are only counted, not kept, so the test process stays small.
        size += c.length
        if (size <= 1 << 20) chunks.push(c)
      })
      req.on('end', () => {
        entry.body = Buffer.concat(chunks)
        ;(entry as { size?: number }).size = size
      })
      res.on('close', () => {
        if (!res.writableFinished) entry.aborted = true
        received.push(entry)
        settle()
      })
    }
    void handler(req, res)
  })
  server.keepAliveTimeout = 10_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    received,
    waitFor: (n) => (received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    handle: (h) => {
      handler = h
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

/** Sends raw bytes over a socket and returns everything the server answered until it closed. */
export function rawRequest(port: number, payload: string | Buffer, opts: { timeoutMs?: number; endAfterWrite?: boolean } = {}): Promise<{ data: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(), opts.timeoutMs ?? 3000)
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', (error) => {
      clearTimeout(timer)
      resolve({ data: Buffer.concat(chunks), error })
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ data: Buffer.concat(chunks) })
    })
    socket.write(payload)
    if (opts.endAfterWrite) socket.end()
  })
}
