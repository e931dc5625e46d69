// The whole proxy for phase 2's end-to-end and security tests: startSystem with the demo configuration
// (legacy stand-in, generated data), its own copy of flags/ whose production stages the test sets, the
// organizations and segments backfilled, and helpers to call it over loopback and read its outcomes.
import { request } from 'undici'
import { loadConfig } from '../../src/config/index.js'
import type { FlagName } from '../../src/flags/index.js'
import { startSystem, type System } from '../../src/system/index.js'
import { editFlag, tempFlagsDir } from '../flags/helpers.js'
import { freshDatabase } from '../helpers/db.js'
import { backfillAll, SECRET, silentLog } from './harness.js'
import { signJwt } from '../../src/auth/jwt.js'

export type Phase2System = {
  system: System
  /** Sets a flag's production stage for every organization (off, shadow or live), effective at once. */
  stage(flag: FlagName, stage: 'off' | 'shadow' | 'live'): Promise<void>
  token(userId: number): string
  call(method: string, path: string, opts?: CallOptions): Promise<CallAnswer>
  close(): Promise<void>
}

export type CallOptions = { user?: number; token?: string; org?: string; body?: unknown; headers?: Record<string, string> }
export type CallAnswer = { status: number; type: string | null; headers: Record<string, string | string[] | undefined>; text: string; json: any }

/**
 * One request to a proxy as the web app sends it: a JWT of `user` (or `token`), X-Organization-Id, a JSON body.
 * @example await callProxy(system.url, SECRET, 'GET', '/v1/campaigns/mine', { user: 7 })
 */
export async function callProxy(baseUrl: string, secret: string, method: string, path: string, { user, token: t, org, body, headers = {} }: CallOptions = {}): Promise<CallAnswer> {
  const h: Record<string, string> = { ...headers }
  const bearer = t ?? (user === undefined ? undefined : signJwt({ sub: user, email: `u${user}@example.com` }, secret))
  if (bearer) h.authorization = `Bearer ${bearer}`
  if (org !== undefined) h['x-organization-id'] = org
  if (body !== undefined) h['content-type'] = 'application/json'
  const res = await request(baseUrl + path, { method: method as 'GET', headers: h, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await res.body.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: res.statusCode, type: (res.headers['content-type'] as string | undefined) ?? null, headers: res.headers, text, json }
}

/** @example const p = await phase2System({ users: 80, stages: { 'org.reads': 'shadow' } }) */
export async function phase2System(opts: { users: number; stages: Partial<Record<FlagName, 'off' | 'shadow' | 'live'>> }): Promise<Phase2System> {
  const flags = await tempFlagsDir()
  const stage = async (flag: FlagName, s: 'off' | 'shadow' | 'live') => {
    await editFlag(flags.dir, flag, (f) => {
      const env = f.environments.find((e) => e.name === 'production')!
      env.enabled = s !== 'off'
      // Strategy 0 is the live share (variant live), strategy 1 shadow for everyone else.
      if (env.strategies[0]?.variants?.length) env.strategies[0].parameters.rollout = s === 'live' ? '100' : '0'
    })
  }
  for (const [flag, s] of Object.entries(opts.stages)) await stage(flag as FlagName, s)
  const db = process.env.DATABASE_URL ? await freshDatabase() : undefined
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    AUTH_SECRET: SECRET,
    ADMIN_TOKEN: 'test:phase2-admin-token-0123456789',
    FLAGS_DIR: flags.dir,
    UNLEASH_ENVIRONMENT: 'production',
    LOG_LEVEL: 'silent',
    ...(db ? { DATABASE_URL: db.url } : {}),
  })
  let system: System
  try {
    system = await startSystem(config, { log: silentLog(), demoUsers: opts.users, workers: false, engine: { shadowMaxLoopUtilization: 1 } })
    await backfillAll(system.db.sql)
  } catch (err) {
    await flags.remove()
    await db?.close()
    throw err
  }
  const token = (userId: number) => signJwt({ sub: userId, email: `u${userId}@example.com` }, SECRET)
  return {
    system,
    async stage(flag, s) {
      await stage(flag, s)
      await system.flags.refresh()
    },
    token,
    call: (method, path, opts = {}) => callProxy(system.url, SECRET, method, path, opts),
    async close() {
      await system.stop()
      await flags.remove()
      await db?.close()
    },
  }
}
