// Runs a real unleash-server (the pinned 7.5.1 beside this file) in its own process, so the ~190 MB ESM server
// and its globals (prom-client registry, knex pools, signal handlers) never load into a test worker.
//
//   node test/unleash/start.cjs '{"databaseUrl":"postgres://postgres@127.0.0.1:5432/x","adminToken":"…","clientTokens":["*:production.…"]}'
//
// Prints one JSON line on stdout once the server listens: {"url":"http://127.0.0.1:PORT","bootMs":N,"personalToken":"…"}.
// Stops (and exits 0) when stdin closes or on SIGTERM/SIGINT, so a parent that dies takes the server with it.
'use strict'

const t0 = performance.now()
const args = JSON.parse(process.argv[2] || '{}')
if (!args.databaseUrl) {
  process.stderr.write('start.cjs: pass {"databaseUrl": "postgres://…"} as the first argument\n')
  process.exit(2)
}

// Unleash reads these from the environment as well as from options; set them so no code path phones home.
process.env.CHECK_VERSION = 'false'
process.env.SEND_TELEMETRY = 'false'
process.env.UNLEASH_TELEMETRY_DISABLED = 'true'
process.env.SCARF_ANALYTICS = 'false'

const verbose = process.env.UNLEASH_HARNESS_LOG === '1'
const noop = () => {}
const logger = {
  debug: noop,
  info: verbose ? (...a) => process.stderr.write(`[unleash] ${a.join(' ')}\n`) : noop,
  warn: verbose ? (...a) => process.stderr.write(`[unleash] ${a.join(' ')}\n`) : noop,
  // Errors always reach stderr: a server that cannot migrate or listen must say why.
  error: (...a) => process.stderr.write(`[unleash] ${a.map(String).join(' ')}\n`),
  fatal: (...a) => process.stderr.write(`[unleash] ${a.map(String).join(' ')}\n`),
}

async function main() {
  const db = new URL(args.databaseUrl)
  const { start } = await import('unleash-server')
  const tokens = [
    ...(args.adminToken ? [{ secret: args.adminToken, type: 'admin', projects: ['*'], environment: '*', tokenName: 'harness-admin' }] : []),
    ...(args.clientTokens || []).map((secret, i) => ({
      secret,
      type: 'backend',
      projects: [secret.split(':')[0] || '*'],
      environment: (secret.split(':')[1] || 'production').split('.')[0],
      tokenName: `harness-client-${i}`,
    })),
  ]
  const unleash = await start({
    db: {
      host: db.hostname,
      port: Number(db.port || 5432),
      user: decodeURIComponent(db.username || 'postgres'),
      password: decodeURIComponent(db.password || ''),
      database: db.pathname.slice(1),
      ssl: false,
      pool: { min: 0, max: 4 },
    },
    server: {
      host: '127.0.0.1',
      port: args.port || 0,
      gracefulShutdownEnable: false,
      enableRequestLogger: false,
      serverMetrics: false,
    },
    authentication: {
      // API tokens on, as in production: the admin API needs the admin token and the client API a backend token.
      type: 'open-source',
      enableApiToken: true,
      createAdminUser: false,
      initApiTokens: tokens,
    },
    versionCheck: { enable: false },
    telemetry: false,
    getLogger: () => logger,
  })
  // Unleash's feature import refuses admin API tokens ("use a personal access token or a service account"), so an
  // admin user with a personal access token is made too, for tools that import.
  let personalToken
  if (args.personalToken !== false) {
    const audit = { id: -1337, username: 'unleash_system_user', ip: '' }
    const user = await unleash.services.userService.createUser({ username: 'harness-admin', rootRole: 'Admin' }, audit)
    const pat = await unleash.services.patService.createPat(
      { description: 'org-proxy test harness', expiresAt: new Date(Date.now() + 24 * 3600 * 1000) },
      user.id,
      audit,
    )
    personalToken = pat.secret
  }
  const address = unleash.server.address()
  const url = `http://127.0.0.1:${address.port}`
  process.stdout.write(`${JSON.stringify({ url, bootMs: Math.round(performance.now() - t0), personalToken })}\n`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    try {
      await unleash.stop()
    } catch (err) {
      process.stderr.write(`[unleash] stop failed: ${err && err.message}\n`)
    }
    process.exit(0)
  }
  process.stdin.on('end', stop)
  process.stdin.on('error', stop)
  process.stdin.resume()
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  process.stderr.write(`[unleash] failed to start: ${(err && err.stack) || err}\n`)
  process.exit(1)
})
