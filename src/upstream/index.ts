// The one legacy API the proxy talks to: an undici keep-alive pool fixed by configuration, so no
// request can make the proxy connect anywhere else.
import { Pool } from 'undici'

export type Upstream = {
  pool: Pool
  /** scheme://host:port of the legacy API */
  origin: string
  /** Path prefix of LEGACY_URL ('' when it has none), put in front of every forwarded path. */
  basePath: string
  timeoutMs: number
  close(): Promise<void>
}

/** @example const upstream = createUpstream({ url: 'http://127.0.0.1:3000', connections: 128, timeoutMs: 30000 }) */
export function createUpstream(opts: { url: string; connections: number; timeoutMs: number }): Upstream {
  const url = new URL(opts.url)
  const pool = new Pool(url.origin, {
    connections: opts.connections,
    pipelining: 1,
    headersTimeout: opts.timeoutMs,
    // Idle time between two body chunks: a stalled upstream is cut instead of holding a socket forever.
    bodyTimeout: Math.max(opts.timeoutMs, 30_000),
    keepAliveTimeout: 4_000,
    connectTimeout: Math.min(opts.timeoutMs, 10_000),
  })
  const basePath = url.pathname.replace(/\/+$/, '')
  return {
    pool,
    origin: url.origin,
    basePath,
    timeoutMs: opts.timeoutMs,
    close: async () => {
      await pool.close()
    },
  }
}
