// `npm start`: the proxy in front of LEGACY_URL, or, with neither LEGACY_URL nor DATABASE_URL, the
// whole system on one machine (embedded PostgreSQL with demo data, the legacy stand-in, the proxy).
import { signJwt } from './auth/jwt.js'
import { ConfigError, loadConfig } from './config/index.js'
import { startSystem, type System } from './system/index.js'
import { installDisconnectGuard } from './jobs/index.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines) console.error(`org-proxy: config: ${line}`)
      process.exit(2)
    }
    throw err
  }
  // postgres.js throws uncaught when a server drops a session mid-transaction (failover): log, don't die.
  installDisconnectGuard((err) => console.error(`org-proxy: database session dropped: ${(err as Error).message}`))
  const system = await startSystem(config)
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    system.log.info({ signal }, 'shutting down')
    system.stop().then(
      () => process.exit(0),
      (err) => {
        system.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  system.log.info({ url: system.url, legacy: system.legacyUrl, demo: system.demo, embedded: system.db.embedded }, 'org-proxy listening')
  if (system.demo) await printDemo(system)
}

/** What to try in the demo, with a token of a seeded user who has a campaign and an office. */
async function printDemo(system: System): Promise<void> {
  const sql = system.db.sql
  const [user] = await sql<{ id: number; email: string }[]>`
    select u.id, u.email from "user" u
    join campaign c on c.user_id = u.id
    join elected_office eo on eo.user_id = u.id and eo."isActive"
    order by u.id limit 1`
  const token = user ? signJwt({ sub: user.id, email: user.email }, system.authSecret) : null
  const admin = system.adminToken.includes(':') ? system.adminToken.slice(system.adminToken.indexOf(':') + 1) : system.adminToken
  const u = system.url
  const lines = [
    '',
    'org-proxy demo is running',
    `  proxy          ${u}`,
    `  legacy stand-in ${system.legacyUrl}`,
    `  database       ${system.db.url}${system.db.embedded ? '   (embedded; use it as DATABASE_URL for npm run backfill / diffs / gate)' : ''}`,
    '',
    ...(token
      ? [
          `export TOKEN=${token}`,
          `curl -s ${u}/v1/campaigns/mine -H "Authorization: Bearer $TOKEN" -D - | head -20`,
          `curl -s ${u}/v1/organizations -H "Authorization: Bearer $TOKEN"`,
          `curl -s ${u}/v1/elected-office/current -H "Authorization: Bearer $TOKEN"`,
          `curl -s ${u}/v1/voters/voter-file/filters -H "Authorization: Bearer $TOKEN"`,
        ]
      : []),
    `export ADMIN=${admin}`,
    `curl -s ${u}/_proxy/status -H "Authorization: Bearer $ADMIN"`,
    `open ${u}/_proxy/  (the diff review page; Authorization: Bearer $ADMIN)`,
    `curl -s ${u}/metrics | grep org_proxy_requests_total`,
    '',
    'Edit a file in flags/ (e.g. org.reads: shadow → live) and the next request follows it.',
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

main().catch((err) => {
  console.error(`org-proxy: failed to start: ${(err as Error).message}`)
  process.exit(1)
})
