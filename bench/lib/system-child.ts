// The whole proxy as a bench child (bench/children/phase2-system.ts): its own copy of flags/ with the
// stages a run compares, and, on DATABASE_URL's server, a database of its own that the run drops.
import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import type { BenchContext } from '../types.js'
import type { RunningChild } from './stack.js'

const FLAGS = fileURLToPath(new URL('../../flags', import.meta.url))

export type Stage = 'off' | 'live'
/** What flagsDir can set a flag to: off, live for everyone, or on with a live share of 0 (everyone in shadow). */
export type FlagStage = Stage | 'shadow'

/**
 * A copy of flags/ where the given flags are `stage` for every organization in production.
 * @example const flags = flagsDir('live', ['org.reads']); …; flags.remove()
 */
export function flagsDir(stage: FlagStage, names: readonly string[]): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `org-proxy-bench-${stage}-`))
  cpSync(FLAGS, dir, { recursive: true })
  for (const name of names) {
    const file = join(dir, `${name}.json`)
    const flag = JSON.parse(readFileSync(file, 'utf8'))
    const env = flag.environments.find((e: { name: string }) => e.name === 'production')
    env.enabled = stage !== 'off'
    // Strategy 0 is the live share (variant live); the next one puts everyone else in shadow.
    env.strategies[0].parameters.rollout = stage === 'live' ? '100' : '0'
    if (stage === 'shadow') {
      const rest = env.strategies[1]
      if (rest?.variants?.[0]?.name !== 'shadow') throw new Error(`${name}.json: its second strategy is not the shadow share`)
      rest.parameters.rollout = '100'
    }
    writeFileSync(file, JSON.stringify(flag, null, 2))
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A database of its own on DATABASE_URL's server (never DATABASE_URL's own: the bench seeds it); null without. */
export async function benchDatabase(section = 'phase2'): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const base = process.env.DATABASE_URL
  if (!base) return null
  const name = `orgproxy_bench_${section}_${randomBytes(4).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const u = new URL(base)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
      await admin.end()
    },
  }
}

/** The proxy with the demo configuration on `flags` (seeds and backfills on its first start). */
export async function startSystemChild(ctx: BenchContext, label: string, flags: string, databaseUrl: string | undefined): Promise<RunningChild> {
  const env: Record<string, string> = { BENCH_FLAGS_DIR: flags, BENCH_USERS: '1000' }
  if (databaseUrl) env.BENCH_DATABASE_URL = databaseUrl
  const dir = ctx.options.cpuProfDir
  const child = await ctx.spawn(new URL('../children/phase2-system.ts', import.meta.url), {
    name: `proxy (${label})`,
    env,
    execArgv: dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
    readyTimeoutMs: 180_000,
  })
  return Object.assign(child, { url: String(child.info.url) })
}
