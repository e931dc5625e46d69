// The listening side: one node:http server that hands each request to the pass-through (hot path),
// to a migrated route's stage logic, or to the Hono app for what the proxy answers itself; it also
// owns malformed requests and the graceful drain on SIGTERM.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Forward } from '../passthrough/index.js'
import { originForm } from '../passthrough/index.js'
import type { Logger } from '../ops/logger.js'
import type { Metrics } from '../ops/metrics.js'
import { problemBody, sendProblem } from '../ops/problem.js'

/** A migrated route's entry point: answers the request itself (stage off/shadow/live). */
export type RouteDispatch = (req: IncomingMessage, res: ServerResponse, path: string) => void

export type ProxyServerDeps = {
  forward: Forward
  app: Hono
  log: Logger
  metrics: Metrics
  /** Finds the migrated route that claims a request; null sends it through untouched. */
  claim?: (method: string, path: string) => RouteDispatch | null
}

export type ProxyServer = {
  server: Server
  listen(port: number, host?: string): Promise<AddressInfo>
  /** Stops accepting, lets in-flight requests finish for up to graceMs, then cuts the rest. */
  shutdown(graceMs: number): Promise<{ drained: boolean; cut: number }>
}

/** Paths the proxy answers itself whatever the route table says. */
function isOwnPath(path: string): boolean {
  if (path.startsWith('/_proxy')) return path.length === 7 || path[7] === '/' || path[7] === '?'
  const q = path.indexOf('?')
  const p = q === -1 ? path : path.slice(0, q)
  return p === '/healthz' || p === '/readyz' || p === '/metrics'
}

/** @example const s = createProxyServer(deps); await s.listen(8080) */
export function createProxyServer(deps: ProxyServerDeps): ProxyServer {
  const { forward, log, metrics } = deps
  const hono = getRequestListener(deps.app.fetch, { overrideGlobalObjects: false })
  let inFlight = 0
  let draining = false
  let onIdle: (() => void) | null = null

  function finished(): void {
    inFlight--
    metrics.inFlight.dec()
    if (inFlight === 0 && onIdle) onIdle()
  }

  function answerOwn(req: IncomingMessage, res: ServerResponse, path: string): void {
    const started = performance.now()
    const group = path.startsWith('/_proxy') ? 'admin' : 'ops'
    res.on('close', () => metrics.request(group, 'proxy', res.statusCode, (performance.now() - started) / 1000))
    req.url = path
    void hono(req, res)
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    inFlight++
    metrics.inFlight.inc()
    res.on('close', finished)
    // While draining, every answer tells the client to open its next request elsewhere.
    if (draining) res.shouldKeepAlive = false
    const path = originForm(req.url ?? '')
    if (path === null) {
      sendProblem(res, { status: 400, title: 'Bad Request', detail: 'the request target must be a path (origin-form)' })
      return
    }
    if (isOwnPath(path)) return answerOwn(req, res, path)
    const dispatch = deps.claim?.(req.method ?? 'GET', path)
    if (dispatch) return dispatch(req, res, path)
    forward(req, res, { group: 'passthrough', path })
  }

  const server = createServer(
    {
      // Large enough for gp-api's JWT cookies, small enough to refuse header floods early.
      maxHeaderSize: 32 * 1024,
      keepAliveTimeout: 65_000,
      // Uploads of large voter files may take long; the upstream enforces its own limits.
      requestTimeout: 0,
      headersTimeout: 60_000,
    },
    onRequest,
  )

  // A request node's parser refuses never reaches onRequest: it gets a problem and the socket closes;
  // the server keeps serving everybody else.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    metrics.upstreamErrors.labels('bad-request').inc()
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    const title = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'
    const body = problemBody({ status, title, detail: 'the request could not be parsed as HTTP/1.1' })
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    )
    log.warn({ code: err.code }, 'malformed request refused')
  })

  // Tunnels and protocol switches would bypass every rule of the proxy: refused outright.
  for (const event of ['connect', 'upgrade'] as const) {
    server.on(event, (_req: IncomingMessage, socket: Socket) => {
      const body = problemBody({ status: 501, title: 'Not Implemented', detail: `${event === 'connect' ? 'CONNECT' : 'Upgrade'} is not supported by the proxy` })
      socket.end(
        `HTTP/1.1 501 Not Implemented\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      )
    })
  }

  return {
    server,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve(server.address() as AddressInfo)
        })
      })
    },
    async shutdown(graceMs) {
      draining = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      let drained = inFlight === 0
      if (!drained) {
        drained = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), graceMs)
          onIdle = () => {
            clearTimeout(timer)
            resolve(true)
          }
        })
      }
      const cut = inFlight
      server.closeAllConnections()
      await closed
      return { drained, cut }
    },
  }
}
