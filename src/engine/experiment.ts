// Shadow in GitHub Scientist's nouns: an Observation is one side's answer (or error) and its duration,
// frozen once made; an experiment compares the two and publishes the result (metrics + recorder).
// Every failure in here is counted and logged; none reaches a client.
import type { Hono } from 'hono'
import type { Side } from '../compare/index.js'

export type Observation =
  | { ok: true; origin: 'legacy' | 'new'; status: number; headers: Headers | null; body: Buffer; ms: number }
  | { ok: false; origin: 'legacy' | 'new'; kind: 'threw' | 'timeout' | 'transport' | 'skipped'; message: string; status?: number; ms: number }

/** What the new handler is given of a client request. */
export type CandidateRequest = {
  method: string
  path: string
  headers: Record<string, string>
  body: Buffer | null
}

/** The internal origin of the new handlers' app: never a network address, only a URL to parse. */
const INTERNAL_ORIGIN = 'http://org-proxy.internal'

/**
 * Runs the new handler for a request through the organization-backed Hono app, with a deadline.
 * Never rejects. `settled` resolves when the handler really finished (after a timeout too), so a
 * concurrency slot is held for as long as the handler holds database resources.
 */
export function runCandidate(app: Hono, req: CandidateRequest, deadlineMs: number): { observation: Promise<Observation>; settled: Promise<void> } {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const work = (async (): Promise<Observation> => {
    const response = await app.fetch(toRequest(req))
    const body = Buffer.from(await response.arrayBuffer())
    if (response.status >= 500) {
      return { ok: false, origin: 'new', kind: 'threw', status: response.status, message: body.toString('utf8').slice(0, 300), ms: performance.now() - started }
    }
    return { ok: true, origin: 'new', status: response.status, headers: response.headers, body, ms: performance.now() - started }
  })().catch(
    (err: Error): Observation => ({ ok: false, origin: 'new', kind: 'threw', message: err.message, ms: performance.now() - started }),
  )
  const deadline = new Promise<Observation>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, origin: 'new', kind: 'timeout', message: `no answer within ${deadlineMs} ms`, ms: performance.now() - started }),
      deadlineMs,
    )
  })
  const observation = Promise.race([work, deadline]).finally(() => clearTimeout(timer))
  return { observation, settled: work.then(() => undefined) }
}

/** The fetch Request the organization-backed app is called with (never sent over a network). */
export function toRequest(req: CandidateRequest): Request {
  return new Request(INTERNAL_ORIGIN + req.path, {
    method: req.method,
    headers: req.headers,
    body: req.body && req.method !== 'GET' && req.method !== 'HEAD' ? new Uint8Array(req.body) : null,
  })
}

/** The comparable form of an observation: status plus parsed JSON (or text), or the error. */
export function toSide(o: Observation, method: string): Side {
  if (!o.ok) return { error: { kind: o.kind, message: o.message } }
  return { status: o.status, body: method === 'HEAD' ? undefined : jsonOrText(o.body) }
}

/** A body as the comparison sees it: parsed JSON, else its text; undefined when empty. */
export function jsonOrText(body: Buffer): unknown {
  if (body.length === 0) return undefined
  const text = body.toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A per-route cap on shadow runs in flight: over it, the shadow is skipped, never queued. */
export class ConcurrencyCap {
  private running = 0
  constructor(readonly limit: number) {}
  tryAcquire(): boolean {
    if (this.running >= this.limit) return false
    this.running++
    return true
  }
  release(): void {
    this.running--
  }
  get inFlight(): number {
    return this.running
  }
}
