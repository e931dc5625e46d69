// A legacy exchange held in memory, for the paths that must see the whole legacy answer before the
// client does (dual writes) or that compare it without a client at all (live verification, noise
// baseline, replay). Bounded: a body over the limit fails the exchange instead of growing the heap.
import type { ServerResponse } from 'node:http'
import type { Dispatcher } from 'undici'
import { errors } from 'undici'
import type { Upstream } from '../upstream/index.js'
import { responseHeaders } from './headers.js'

export type BufferedAnswer = { status: number; statusText: string; headers: Buffer[]; body: Buffer; ms: number }

export class LegacyExchangeError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'too-large' | 'aborted',
    message: string,
  ) {
    super(message)
    this.name = 'LegacyExchangeError'
  }
}

/**
 * Sends one request to the legacy API and collects its answer.
 * @example const a = await exchangeBuffered(upstream, { method: 'GET', path: '/v1/campaigns/mine', headers })
 */
export function exchangeBuffered(
  upstream: Upstream,
  req: { method: string; path: string; headers: string[]; body?: Buffer | null; signal?: AbortSignal },
  limit = 8 * 1024 * 1024,
): Promise<BufferedAnswer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    let status = 0
    let statusText = ''
    let headers: Buffer[] = []
    const chunks: Buffer[] = []
    let size = 0
    let abort: ((err?: Error) => void) | null = null
    const onAbort = () => abort?.(new LegacyExchangeError('aborted', 'aborted by the caller'))
    req.signal?.addEventListener('abort', onAbort, { once: true })
    const handler: Dispatcher.DispatchHandler = {
      onConnect(a) {
        abort = a
        if (req.signal?.aborted) a(new LegacyExchangeError('aborted', 'aborted by the caller'))
      },
      onHeaders(s, raw, _resume, text) {
        if (s < 200) return true
        status = s
        statusText = text
        headers = raw
        return true
      },
      onData(chunk) {
        size += chunk.length
        if (size > limit) {
          abort?.(new LegacyExchangeError('too-large', `legacy body over ${limit} bytes`))
          return false
        }
        chunks.push(chunk)
        return true
      },
      onComplete() {
        req.signal?.removeEventListener('abort', onAbort)
        resolve({ status, statusText, headers, body: Buffer.concat(chunks, size), ms: performance.now() - started })
      },
      onError(err) {
        req.signal?.removeEventListener('abort', onAbort)
        if (err instanceof LegacyExchangeError) reject(err)
        else if (err instanceof errors.HeadersTimeoutError) reject(new LegacyExchangeError('timeout', err.message))
        else reject(new LegacyExchangeError('unreachable', (err as { code?: string }).code ?? err.message))
      },
    }
    try {
      upstream.pool.dispatch(
        {
          path: upstream.basePath + req.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body ?? null,
          headersTimeout: upstream.timeoutMs,
        },
        handler,
      )
    } catch (err) {
      reject(new LegacyExchangeError('unreachable', (err as Error).message))
    }
  })
}

/** Writes a buffered legacy answer to the client as the pass-through would have. */
export function sendBuffered(res: ServerResponse, answer: BufferedAnswer, extra: readonly string[], requestId: string): void {
  res.writeHead(answer.status, answer.statusText || undefined, responseHeaders(answer.headers, extra, requestId))
  res.end(answer.body)
}

/** Reads a client's request body into memory, up to `limit` bytes (null when over). */
export function readBody(req: NodeJS.ReadableStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) over = true
      else chunks.push(c)
    })
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks, size)))
    req.on('error', reject)
  })
}
