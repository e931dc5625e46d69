// The legacy stand-in: gp-api's endpoints of shared/domain.md over the legacy tables, with its auth,
// status codes and quirks, so the demo and the end-to-end tests put the proxy in front of a real API.
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'
import type postgres from 'postgres'
import { legacyAuth, type LegacyEnv } from './auth.js'
import { registerCampaignRoutes } from './campaigns.js'
import { registerDownloadRoutes } from './download.js'
import { registerElectedOfficeRoutes } from './elected-office.js'
import { nestNotFound, nestOnError, sendJson } from './errors.js'
import { registerFilterRoutes } from './filters.js'

export type { LegacyEnv, LegacyUser } from './auth.js'
export type { CampaignJson, ElectedOfficeJson, FilterJson, PathToVictoryJson } from './db.js'
export { DATE_FORMAT, DATE_ISO_FORMAT, TIMESTAMP_FORMAT } from './db.js'
export { lookupRaceTarget, type RaceTarget } from './district-lookup.js'
export { deepMerge } from './merge.js'
export { uuidv7 } from './uuid.js'

export type LegacyAppOptions = {
  sql: postgres.Sql
  /** gp-api's AUTH_SECRET: the HS256 key its tokens are signed with. */
  authSecret: string
  /** Where unexpected errors (answered 500) are reported; console.error by default. */
  onError?: (err: Error) => void
}

/**
 * The stand-in as a Hono app, without a port (tests call `app.request`).
 * @example const app = createLegacyApp({ sql, authSecret }); await app.request('/v1/health')
 */
export function createLegacyApp({ sql, authSecret, onError = (err) => console.error('[legacy]', err) }: LegacyAppOptions): Hono<LegacyEnv> {
  // strict: false: Express routes `/v1/campaigns/mine/` like `/v1/campaigns/mine`.
  const app = new Hono<LegacyEnv>({ strict: false })
  const auth = legacyAuth({ sql, authSecret })
  app.get('/v1/health', (c) => sendJson(c, 200, { ok: true }))
  registerCampaignRoutes(app, { sql, auth })
  registerElectedOfficeRoutes(app, { sql, auth })
  registerFilterRoutes(app, { sql, auth })
  registerDownloadRoutes(app, { sql, auth })
  app.notFound(nestNotFound)
  app.onError(nestOnError(onError))
  return app
}

export type LegacyServer = { url: string; close(): Promise<void> }

/**
 * Serves the stand-in on loopback (an ephemeral port unless one is given).
 * @example const legacy = await startLegacyServer({ sql, authSecret }); fetch(`${legacy.url}/v1/health`)
 */
export async function startLegacyServer({
  port = 0,
  host = '127.0.0.1',
  ...options
}: LegacyAppOptions & { port?: number; host?: string }): Promise<LegacyServer> {
  const app = createLegacyApp(options)
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port, hostname: host }, (address) => resolve({ server, address }))
      server.once('error', reject)
    },
  )
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${hostPart}:${address.port}`,
    close: () => closeServer(server),
  }
}

// Stops listening, lets in-flight answers finish for a moment, then cuts what is left (keep-alive
// pools such as the proxy's would otherwise hold the server open forever).
function closeServer(server: ReturnType<typeof serve>, graceMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const http = server as Server
    const timer = setTimeout(() => http.closeAllConnections?.(), graceMs)
    server.close((err) => {
      clearTimeout(timer)
      if (err) reject(err)
      else resolve()
    })
    http.closeIdleConnections?.()
  })
}
