// A real Unleash server for tests whose behaviour lives in the network (polling, webhooks, the admin API): a fresh
// PostgreSQL database per call, unleash-server 7.5.1 in a child process, and a skip reason where it is not installed.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { loadFlagDir, pushFlags } from '../../src/flags/index.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const START = fileURLToPath(new URL('./start.cjs', import.meta.url))
const SERVER_PACKAGE = fileURLToPath(new URL('./node_modules/unleash-server/package.json', import.meta.url))

export type UnleashServer = {
  /** The server's base URL, e.g. http://127.0.0.1:41234 (the admin API is under /api/admin). */
  url: string
  /** What UNLEASH_URL takes: the client API base, `${url}/api`. */
  apiUrl: string
  /** Admin API token (Authorization header value). */
  adminToken: string
  /** A personal access token of an admin user: Unleash's feature import refuses admin API tokens but takes this. */
  personalToken: string
  /** Backend (client) token for the `production` environment: what UNLEASH_API_TOKEN takes. */
  clientToken: string
  /** Backend tokens per environment (production, development). */
  clientTokens: Record<'production' | 'development', string>
  /** Milliseconds from spawning the server process to its first listening line (module load + migrations). */
  bootMs: number
  /** Milliseconds for the whole start: database creation, spawn and boot. */
  startMs: number
  /** Stops the server and drops its database; safe to call twice. */
  close: () => Promise<void>
}

export type UnleashSkipped = { skipped: string }

export type StartUnleashOptions = {
  /** A PostgreSQL URL used to create and drop the fresh database (default UNLEASH_TEST_DATABASE_URL, DATABASE_URL, or
   *  postgres://postgres@127.0.0.1:5432/test). */
  adminDatabaseUrl?: string
  /** How long the server may take to listen (default 60 s: a cold disk and a busy machine migrate slowly). */
  bootTimeoutMs?: number
  /** Pass the server's own log lines to stderr (also UNLEASH_HARNESS_LOG=1). */
  verbose?: boolean
}

/** Whether the pinned server is installed (by `npm ci` in test/unleash, which .ci/run does). */
export function unleashInstalled(): UnleashSkipped | null {
  if (existsSync(SERVER_PACKAGE)) return null
  return {
    skipped: `unleash-server is not installed in test/unleash/node_modules; run \`npm ci --prefix test/unleash\` to run the real-Unleash tests`,
  }
}

/**
 * Starts unleash-server on a free loopback port with a fresh database and initial API tokens.
 * @example
 *   const unleash = await startUnleash()            // in beforeAll (boot takes ~5 s; hookTimeout allows 60 s)
 *   if ('skipped' in unleash) return ctx.skip(unleash.skipped)
 *   await pushFlagsTo(unleash)                     // flags/ onto the server
 *   // the proxy: UNLEASH_URL=unleash.apiUrl, UNLEASH_API_TOKEN=unleash.clientToken
 *   await toggleFlag(unleash, 'org.reads', false)  // a rollback, as in the UI
 *   await servedToSdks(unleash, 'org.reads')       // what SDKs are served now
 *   await unleash.close()                          // stops the server, drops its database
 */
export async function startUnleash(options: StartUnleashOptions = {}): Promise<UnleashServer | UnleashSkipped> {
  const missing = unleashInstalled()
  if (missing) return missing
  const started = performance.now()
  const verbose = options.verbose ?? process.env.UNLEASH_HARNESS_LOG === '1'
  const adminUrl =
    options.adminDatabaseUrl ??
    process.env.UNLEASH_TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test'
  const database = await createDatabase(adminUrl)
  const secret = () => randomBytes(16).toString('hex')
  // Token formats are Unleash's own: admin tokens span all projects and environments, backend tokens one environment.
  const adminToken = `*:*.${secret()}`
  const clientTokens = { production: `*:production.${secret()}`, development: `*:development.${secret()}` }
  let child: ChildProcess | undefined
  try {
    child = spawn(
      process.execPath,
      [START, JSON.stringify({ databaseUrl: database.url, adminToken, clientTokens: Object.values(clientTokens) })],
      {
        cwd: HERE,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Unleash reads many variables (DATABASE_URL, UNLEASH_URL, BASE_URI_PATH, PORT…) that mean other things in the
        // proxy's environment; the server gets only what it needs.
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          TMPDIR: process.env.TMPDIR ?? '/tmp',
          NODE_ENV: 'production',
          ...(verbose ? { UNLEASH_HARNESS_LOG: '1' } : {}),
        },
      },
    )
    if (verbose) child.stderr!.pipe(process.stderr)
    const { url, bootMs, personalToken } = await firstLine(child, options.bootTimeoutMs ?? 60_000)
    const running = child
    let closing: Promise<void> | undefined
    return {
      url,
      apiUrl: `${url}/api`,
      adminToken,
      personalToken,
      clientToken: clientTokens.production,
      clientTokens,
      bootMs,
      startMs: Math.round(performance.now() - started),
      close: () => (closing ??= stop(running).finally(() => database.drop())),
    }
  } catch (err) {
    if (child) await stop(child)
    await database.drop()
    throw err
  }
}

/**
 * Pushes flags/ (or another directory) to the server, as `npm run flags -- push` does; throws unless it converged.
 * @example await pushFlagsTo(unleash) // then UNLEASH_URL=unleash.apiUrl UNLEASH_API_TOKEN=unleash.clientToken
 */
export async function pushFlagsTo(server: UnleashServer, flagsDir = fileURLToPath(new URL('../../flags', import.meta.url))) {
  const { flags } = await loadFlagDir(flagsDir)
  const environments = [...new Set(flags.flatMap((f) => f.environments.map((e) => e.name)))]
  // The personal access token, because Unleash's import endpoint refuses admin API tokens.
  const result = await pushFlags({ url: server.url, token: server.personalToken, project: 'default', environments }, flags)
  if (result.remaining.length) throw new Error(`push did not converge: ${JSON.stringify(result.remaining)}`)
}

/**
 * Switches a flag on or off in one environment through the admin API, as a product person's click does.
 * @example await toggleFlag(unleash, 'org.reads', false) // roll back
 */
export async function toggleFlag(server: UnleashServer, flag: string, on: boolean, environment = 'production', project = 'default') {
  const path = `/api/admin/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(flag)}/environments/${encodeURIComponent(environment)}/${on ? 'on' : 'off'}`
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: server.adminToken } })
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
}

/**
 * One flag as Unleash's client API serves it to SDKs right now (undefined when absent). Unleash caches that answer per
 * query and revision, and moves the revision on a 1 s tick, so this asks exactly what unleash-client asks (its spec
 * header included): a different query would be computed fresh and see a change before any SDK can.
 */
export async function servedToSdks(
  server: UnleashServer,
  flag: string,
  environment: 'production' | 'development' = 'production',
): Promise<{ name: string; enabled: boolean; strategies?: unknown[] } | undefined> {
  const res = await fetch(`${server.apiUrl}/client/features`, {
    headers: { authorization: server.clientTokens[environment], 'unleash-client-spec': '5.2.0' },
  })
  if (!res.ok) throw new Error(`GET /api/client/features: ${res.status}`)
  const body = (await res.json()) as { features: Array<{ name: string; enabled: boolean; strategies?: unknown[] }> }
  return body.features.find((f) => f.name === flag)
}

async function createDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `orgproxy_unleash_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 })
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`)
  } catch (err) {
    throw new Error(`cannot create the Unleash test database on ${redact(adminUrl)}: ${(err as Error).message}`)
  } finally {
    await admin.end({ timeout: 1 })
  }
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 })
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end({ timeout: 1 })
      }
    },
  }
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<{ url: string; bootMs: number; personalToken: string }> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => fail(new Error(`Unleash did not start within ${timeoutMs} ms`)), timeoutMs)
    const fail = (e: Error) => {
      clearTimeout(timer)
      reject(new Error(`${e.message}${err ? `\n${err.slice(-2000)}` : ''}`))
    }
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      try {
        resolve(JSON.parse(out.slice(0, nl)))
      } catch {
        fail(new Error(`unexpected first line from start.cjs: ${out.slice(0, nl)}`))
      }
    })
    child.once('exit', (code, signal) => fail(new Error(`Unleash exited before listening (${signal ?? `code ${code}`})`)))
    child.once('error', fail)
  })
}

/** Closes stdin (start.cjs stops on it); SIGKILL after 10 s so a wedged server cannot hang a test run. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.stdin!.end()
  })
}

function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '…'
    return u.toString()
  } catch {
    return '(unparseable URL)'
  }
}
