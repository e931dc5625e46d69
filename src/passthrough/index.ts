// The hot path: a request no migrated route claims goes to the legacy API on undici's dispatcher and
// its answer streams back untouched. No web Request/Response objects are built here: at tens of
// thousands of requests a second they cost more than the whole forwarding does.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Dispatcher } from 'undici'
import { errors } from 'undici'
import type { Logger } from '../ops/logger.js'
import type { Metrics } from '../ops/metrics.js'
import { sendProblem } from '../ops/problem.js'
import type { Upstream } from '../upstream/index.js'
import { requestHeaders, responseHeaders } from './headers.js'

const NONE: readonly string[] = []

export { originForm, requestHeaders, responseHeaders } from './headers.js'

/** What a shadow comparison needs of the legacy answer, collected while it streams to the client. */
export type TeeResult =
  | { ok: true; status: number; headers: Buffer[]; body: Buffer; ms: number }
  | { ok: false; reason: 'too-large' | 'error' | 'client-aborted'; status?: number; ms: number; error?: Error }

export type ForwardOptions = {
  /** Metrics label of the route group ('passthrough' or a migrated route's id). */
  group: string
  /** The client-visible path in origin-form (already checked). */
  path: string
  /** Added to the response headers (the stage headers of migrated routes). */
  extraHeaders?: string[]
  /** Copy the legacy body, up to `cap` bytes, for a comparison that runs after the client has it. */
  tee?: { cap: number; done: (result: TeeResult) => void }
}

export type Forward = (req: IncomingMessage, res: ServerResponse, opts: ForwardOptions) => void

export type PassThroughDeps = { upstream: Upstream; metrics: Metrics; log: Logger }

/**
 * @example const forward = createPassThrough(deps); forward(req, res, { group: 'passthrough', path: req.url })
 */
export function createPassThrough(deps: PassThroughDeps): Forward {
  const { upstream, metrics, log } = deps
  return function forward(req, res, opts) {
    const started = performance.now()
    const h = requestHeaders(req)
    const exchange = new Exchange(req, res, opts, h.requestId, started, deps)
    res.on('close', () => exchange.closed())
    try {
      upstream.pool.dispatch(
        {
          path: upstream.basePath + opts.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: h.headers,
          body: h.hasBody ? req : null,
          headersTimeout: upstream.timeoutMs,
        },
        exchange,
      )
    } catch (err) {
      // undici validates method and header values synchronously: that is the client's mistake.
      metrics.upstreamErrors.labels('bad-request').inc()
      log.warn({ reqId: h.requestId, err: (err as Error).message }, 'request refused before forwarding')
      sendProblem(res, {
        status: 400,
        title: 'Bad Request',
        detail: (err as Error).message,
        requestId: h.requestId,
      })
    }
  }
}

/**
 * One upstream exchange, as an undici dispatch handler. It uses undici's classic handler callbacks
 * (onConnect/onHeaders/onData/onComplete/onError): undici's core calls them directly, while the newer
 * controller API goes through an adapter that parses every header into an object first.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private abort: ((err?: Error) => void) | null = null
  private done = false
  private teeChunks: Buffer[] | null = null
  private teeBytes = 0
  private teeStatus = 0
  private teeHeaders: Buffer[] = []
  private upstreamError: string | null = null

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: ForwardOptions,
    private readonly requestId: string,
    private readonly started: number,
    private readonly deps: PassThroughDeps,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    if (this.res.destroyed) abort(new ClientAbortedError())
    else this.abort = abort
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    if (status < 200) return true // 1xx informational answers are not relayed
    const res = this.res
    const headers = responseHeaders(raw, this.opts.extraHeaders ?? NONE, this.requestId)
    res.writeHead(status, statusText || undefined, headers)
    res.on('drain', resume)
    const tee = this.opts.tee
    if (tee) {
      this.teeStatus = status
      this.teeHeaders = raw
      this.teeChunks = []
      const length = contentLength(raw)
      if (length !== null && length > tee.cap) this.finishTee({ ok: false, reason: 'too-large', status, ms: this.ms() })
    }
    return true
  }

  onData(chunk: Buffer): boolean {
    if (this.teeChunks !== null) {
      this.teeBytes += chunk.length
      if (this.teeBytes > this.opts.tee!.cap) {
        this.finishTee({ ok: false, reason: 'too-large', status: this.teeStatus, ms: this.ms() })
      } else this.teeChunks.push(chunk)
    }
    return this.res.write(chunk)
  }

  onComplete(): void {
    this.done = true
    this.res.end()
    if (this.teeChunks !== null) {
      this.finishTee({
        ok: true,
        status: this.teeStatus,
        headers: this.teeHeaders,
        body: Buffer.concat(this.teeChunks, this.teeBytes),
        ms: this.ms(),
      })
    }
  }

  onError(err: Error): void {
    this.done = true
    const res = this.res
    const kind = errorKind(err, res.headersSent)
    this.upstreamError = kind
    if (kind !== 'client-aborted') this.deps.metrics.upstreamErrors.labels(kind).inc()
    if (this.opts.tee) this.finishTee({ ok: false, reason: kind === 'client-aborted' ? 'client-aborted' : 'error', ms: this.ms(), error: err })
    if (res.headersSent || res.destroyed || kind === 'client-aborted') {
      // Mid-body: the only honest signal left is to cut the connection, so the client never
      // mistakes a truncated body for a complete one.
      res.destroy()
      return
    }
    if (kind === 'timeout') {
      sendProblem(res, {
        status: 504,
        title: 'Gateway Timeout',
        detail: `the legacy API sent no response headers within ${this.deps.upstream.timeoutMs} ms`,
        requestId: this.requestId,
      }, ['x-request-id', this.requestId])
    } else {
      sendProblem(res, {
        status: 502,
        title: 'Bad Gateway',
        detail: `the legacy API could not be reached (${(err as { code?: string }).code ?? err.message})`,
        requestId: this.requestId,
      }, ['x-request-id', this.requestId])
    }
  }

  /** The client's response closed: count it, and abort the upstream if it had not finished. */
  closed(): void {
    const res = this.res
    if (!this.done && this.abort) this.abort(new ClientAbortedError())
    const seconds = (performance.now() - this.started) / 1000
    const complete = res.writableFinished
    this.deps.metrics.request(this.opts.group, 'legacy', complete ? res.statusCode : 499, seconds)
    this.deps.log.info(
      {
        reqId: this.requestId,
        method: this.req.method,
        path: this.opts.path,
        status: res.statusCode,
        ms: Math.round(seconds * 1e4) / 10,
        group: this.opts.group,
        target: 'legacy',
        ...(complete ? {} : { aborted: true }),
        ...(this.upstreamError ? { upstreamError: this.upstreamError } : {}),
      },
      'request',
    )
  }

  private finishTee(result: TeeResult): void {
    const tee = this.opts.tee
    if (!tee || this.teeChunks === null && result.ok) return
    this.teeChunks = null
    this.opts.tee = undefined
    try {
      tee.done(result)
    } catch (err) {
      this.deps.metrics.secondary('shadow', 'tee-callback')
      this.deps.log.error({ reqId: this.requestId, err }, 'shadow tee callback failed')
    }
  }

  private ms(): number {
    return performance.now() - this.started
  }
}

class ClientAbortedError extends Error {
  readonly code = 'CLIENT_ABORTED'
  constructor() {
    super('the client went away')
  }
}

function errorKind(err: Error, headersSent: boolean): 'client-aborted' | 'timeout' | 'unreachable' | 'aborted-mid-body' {
  if (err instanceof ClientAbortedError || (err as { code?: string }).code === 'CLIENT_ABORTED') return 'client-aborted'
  if (err instanceof errors.HeadersTimeoutError) return 'timeout'
  if (headersSent) return 'aborted-mid-body'
  return 'unreachable'
}

function contentLength(raw: Buffer[]): number | null {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 14 && raw[i]!.toString('latin1').toLowerCase() === 'content-length') {
      const n = Number(raw[i + 1]!.toString('latin1'))
      return Number.isFinite(n) ? n : null
    }
  }
  return null
}
