// Reference only: the bare node:http → undici pool design issue #2 measured at 45 µs, to calibrate a run.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool, type Dispatcher } from 'undici'
import { serveParent } from '../lib/child-ipc.js'

// No logging, metrics or header rules: run side by side with the proxy, it tells a busy machine's
// drift apart from the proxy's own cost. GET only.

const upstreamUrl = process.env.BENCH_UPSTREAM_URL
if (!upstreamUrl) throw new Error('BENCH_UPSTREAM_URL is required')
const pool = new Pool(new URL(upstreamUrl).origin, { connections: 128, pipelining: 1 })

const SKIP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host'])

class Relay implements Dispatcher.DispatchHandler {
  constructor(private readonly res: ServerResponse) {}
  onConnect(): void {}
  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    const headers: string[] = []
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1')
      if (!SKIP.has(name.toLowerCase())) headers.push(name, raw[i + 1]!.toString('latin1'))
    }
    this.res.writeHead(status, headers)
    this.res.on('drain', resume)
    return true
  }
  onData(chunk: Buffer): boolean {
    return this.res.write(chunk)
  }
  onComplete(): void {
    this.res.end()
  }
  onError(): void {
    this.res.destroy()
  }
}

const server = createServer((req, res) => {
  const headers: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!SKIP.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  }
  pool.dispatch({ path: req.url!, method: req.method as Dispatcher.HttpMethod, headers, body: null }, new Relay(res))
})
server.keepAliveTimeout = 65_000

// Nothing to drain on stop: the process exits right after, which closes every socket.
const parent = serveParent({ sampleRss: true })
server.listen(0, '127.0.0.1', () => parent.ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
