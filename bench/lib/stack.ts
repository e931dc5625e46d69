// The processes most sections need (trivial upstream, real proxy, bare reference), started through the context.
import type { BenchContext } from '../types.js'
import type { BenchChild } from './children.js'

export const UPSTREAM_ROUTES = {
  /** ~300 B of JSON. */
  small: '/small',
  /** 1 MiB from memory. */
  oneMiB: '/1mib',
  /** BENCH_DOWNLOAD_BYTES (20 MiB) of the pattern, streamed with backpressure. */
  download: '/download',
  /** POST sink: reads, discards, answers { bytes, sha256 }. */
  upload: '/upload',
} as const

export type RunningChild = BenchChild & { url: string }

function withUrl(child: BenchChild): RunningChild {
  const url = child.info.url
  if (typeof url !== 'string') throw new Error(`bench child ${child.name} sent no url`)
  return Object.assign(child, { url })
}

/** @example const upstream = await startUpstream(ctx) */
export async function startUpstream(ctx: BenchContext, opts: { downloadBytes?: number } = {}): Promise<RunningChild> {
  const env: Record<string, string> = {}
  if (opts.downloadBytes !== undefined) env.BENCH_DOWNLOAD_BYTES = String(opts.downloadBytes)
  return withUrl(await ctx.spawn(new URL('../children/upstream.ts', import.meta.url), { name: 'upstream', env }))
}

/**
 * The pass-through proxy in front of `upstreamUrl`, its logs to /dev/null; with --cpu-prof it runs
 * under the V8 profiler and writes its profile when the section stops it.
 * @example const proxy = await startProxy(ctx, upstream.url)
 */
export async function startProxy(ctx: BenchContext, upstreamUrl: string, opts: { env?: Record<string, string> } = {}): Promise<RunningChild> {
  const dir = ctx.options.cpuProfDir
  return withUrl(
    await ctx.spawn(new URL('../children/proxy.ts', import.meta.url), {
      name: 'proxy',
      env: { LOG_LEVEL: 'info', ...opts.env, BENCH_UPSTREAM_URL: upstreamUrl },
      execArgv: dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
      stdout: 'ignore',
    }),
  )
}

/**
 * The bare node:http → undici reference (issue #2's 45 µs design), GET only; for calibrating a run.
 * @example const bare = await startBareProxy(ctx, upstream.url)
 */
export async function startBareProxy(ctx: BenchContext, upstreamUrl: string): Promise<RunningChild> {
  return withUrl(await ctx.spawn(new URL('../children/bare-proxy.ts', import.meta.url), { name: 'bare-proxy', env: { BENCH_UPSTREAM_URL: upstreamUrl } }))
}
