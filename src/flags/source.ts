// The flag source the proxy's hot path asks "which stage is this request in?": one object over either an Unleash
// server or flags/ read locally, with the kill switch applied and its health reported for /_proxy/status.
import { hostname } from 'node:os'
import type { Config } from '../config/index.js'
import type { Backend } from './backend.js'
import { FLAG, type FlagName } from './definition.js'
import { filesBackend } from './files.js'
import { createHealth, type FlagEvent, type FlagLogger, type FlagSourceKind, type HealthSnapshot } from './health.js'
import { stageOf, toUnleashContext, type FlagContext, type Stage } from './stage.js'
import { summarize, type FlagSummary } from './summary.js'
import { unleashBackend } from './unleash.js'

export type FlagSourceOptions = {
  /** The flag files (default `flags`): the whole truth without Unleash, the cold start with it. */
  flagsDir?: string
  /** Whose strategies apply in flags/ (default `production`); with Unleash the client token decides. */
  environment?: string
  /** Evaluate against an Unleash server instead of flags/. */
  unleash?: {
    /** The client API base, e.g. http://unleash:4242/api. */
    url: string
    /** A backend (client) token. */
    apiToken: string
    /** Poll interval (default 1000). */
    refreshMs?: number
    /** One request's timeout (default 5000, at least 1000). */
    timeoutMs?: number
    /** After refresh() finds nothing new, keep looking this long (default 2500: Unleash's 1 s revision tick, late) … */
    settleMs?: number
    /** … this often (default 100). */
    followUpMs?: number
    /** How long `ready` waits for the server before it serves flags/ (default 2000). */
    readyTimeoutMs?: number
    appName?: string
    instanceId?: string
  }
  /** Files mode: watch flags/ (default on; `false` in tests that drive refresh() themselves). */
  watch?: boolean | { debounceMs?: number; pollMs?: number }
  /** Called on every refresh and every failure: wire Prometheus counters here. */
  onEvent?: (event: FlagEvent) => void
  log?: FlagLogger
}

export type FlagSourceStatus = HealthSnapshot & {
  source: FlagSourceKind
  /** Where the flags in use came from: an Unleash source serves flags/ until its server first answers. */
  serving: 'unleash' | 'files' | 'none'
  /** Unleash's ETag (`unleash:"…:<revision>:v1"`), or a hash of the flag files (`files:…`). */
  version: string | null
  environment: string
  /** The Unleash client API (no token), or the flags directory. */
  location: string
  killSwitch: boolean
  flags: Record<string, FlagSummary>
}

export interface FlagSource {
  /** off, shadow or live for one request; off for everyone while the kill switch is on. Two client evaluations: µs. */
  stage(flag: FlagName, ctx?: FlagContext): Stage
  /** For flags without stages (org.dual-write); false while the kill switch is on. */
  isEnabled(flag: FlagName, ctx?: FlagContext): boolean
  /** Whether org.kill-switch is on (for this request, if its strategies target some). */
  killSwitch(ctx?: FlagContext): boolean
  /**
   * Fetches from Unleash at once (or rereads flags/); for Unleash's webhook. Resolves after that fetch; when it found
   * nothing new, the source keeps looking for a moment, since Unleash shows a change up to a second after its webhook.
   */
  refresh(): Promise<void>
  status(): FlagSourceStatus
  /** Resolves once flags can be evaluated: the server's, or flags/ when the server is slow or down. Never rejects. */
  readonly ready: Promise<void>
  close(): Promise<void>
}

/**
 * @example
 *   const flags = createFlagSource(flagSourceOptions(config, { onEvent: metrics.flagEvent, log }))
 *   await flags.ready
 *   flags.stage('org.reads', { organizationId, userId }) // 'off' | 'shadow' | 'live'
 */
export function createFlagSource(opts: FlagSourceOptions = {}): FlagSource {
  const dir = opts.flagsDir ?? 'flags'
  const environment = opts.environment ?? 'production'
  const kind: FlagSourceKind = opts.unleash ? 'unleash' : 'files'
  const health = createHealth({ source: kind, ...(opts.onEvent ? { onEvent: opts.onEvent } : {}), ...(opts.log ? { log: opts.log } : {}) })
  const u = opts.unleash
  const backend: Backend = u
    ? unleashBackend({
        url: u.url,
        apiToken: u.apiToken,
        refreshMs: u.refreshMs ?? 1000,
        // make-fetch-happen (unleash-client's HTTP) rejects a timeout under its 1 s retry minimum outright.
        timeoutMs: Math.max(1000, u.timeoutMs ?? 5000),
        settleMs: u.settleMs ?? 2500,
        followUpMs: u.followUpMs ?? 100,
        readyTimeoutMs: u.readyTimeoutMs ?? 2000,
        dir,
        environment,
        appName: u.appName ?? 'org-proxy',
        instanceId: u.instanceId ?? `org-proxy-${hostname()}-${process.pid}`,
        health,
      })
    : filesBackend({
        dir,
        environment,
        appName: 'org-proxy',
        health,
        watch: opts.watch === false ? false : opts.watch === true || opts.watch === undefined ? {} : opts.watch,
      })

  const killed = (context: ReturnType<typeof toUnleashContext>) => backend.evaluator().isEnabled(FLAG.killSwitch, context)

  return {
    stage(flag, ctx) {
      const context = toUnleashContext(ctx)
      const ev = backend.evaluator()
      if (flag !== FLAG.killSwitch && ev.isEnabled(FLAG.killSwitch, context)) return 'off'
      return stageOf(ev.getVariant(flag, context))
    },
    isEnabled(flag, ctx) {
      const context = toUnleashContext(ctx)
      if (flag !== FLAG.killSwitch && killed(context)) return false
      return backend.evaluator().isEnabled(flag, context)
    },
    killSwitch(ctx) {
      return killed(toUnleashContext(ctx))
    },
    refresh: () => backend.refresh(),
    status() {
      const flags: Record<string, FlagSummary> = {}
      for (const f of backend.features()) flags[f.name] = summarize(f)
      return {
        source: kind,
        serving: backend.serving(),
        version: backend.version(),
        environment,
        location: u ? u.url : dir,
        killSwitch: killed({}),
        ...health.snapshot(),
        flags,
      }
    },
    ready: backend.ready.catch(() => {}),
    close: () => backend.close(),
  }
}

/**
 * The source's options from the proxy's config: Unleash when UNLEASH_URL is set, flags/ otherwise.
 * @example createFlagSource(flagSourceOptions(loadConfig(process.env), { log }))
 */
export function flagSourceOptions(
  config: Pick<Config, 'UNLEASH_URL' | 'UNLEASH_API_TOKEN' | 'UNLEASH_REFRESH_MS' | 'UNLEASH_ENVIRONMENT' | 'FLAGS_DIR'>,
  extra: Pick<FlagSourceOptions, 'onEvent' | 'log' | 'watch'> = {},
): FlagSourceOptions {
  return {
    flagsDir: config.FLAGS_DIR,
    environment: config.UNLEASH_ENVIRONMENT,
    ...(config.UNLEASH_URL && config.UNLEASH_API_TOKEN
      ? { unleash: { url: config.UNLEASH_URL, apiToken: config.UNLEASH_API_TOKEN, refreshMs: config.UNLEASH_REFRESH_MS } }
      : {}),
    ...extra,
  }
}
