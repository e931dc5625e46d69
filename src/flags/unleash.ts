// Flags from an Unleash server through unleash-client's own poller, plus what the proxy needs and the client does not
// offer publicly: a fetch on demand (for Unleash's webhook), a count of failed fetches, and a destroy that cannot
// crash the process. unleash-client 6 keeps its poller private, so the hooks are here, in one place, and checked.
import { InMemStorageProvider, Unleash } from 'unleash-client'
import type { FeatureInterface } from 'unleash-client/lib/feature.js'
import type { Backend } from './backend.js'
import { loadFlagDir, toClientFeatures } from './definition.js'
import type { Health } from './health.js'
import { NO_FLAGS, type Evaluator } from './stage.js'

export type UnleashBackendOptions = {
  /** The client API base, e.g. http://unleash:4242/api. */
  url: string
  apiToken: string
  refreshMs: number
  timeoutMs: number
  /** After a refresh() that found nothing new, how long to keep looking (Unleash's revision tick is 1 s). */
  settleMs: number
  /** How often to look during that time. */
  followUpMs: number
  readyTimeoutMs: number
  /** flags/, the cold-start flags while the server has not answered yet. */
  dir: string
  environment: string
  appName: string
  instanceId?: string
  health: Health
}

/** unleash-client 6's PollingFetcher, as far as it is used here (it is private in the client's types). */
type Poller = {
  fetch: () => Promise<void>
  timedFetch: (interval: number) => void
  timer?: NodeJS.Timeout
  etag?: string
  options: { onSave: (data: unknown, fromApi: boolean) => Promise<void> }
  on: (event: string, listener: (arg: unknown) => void) => unknown
}
type Repository = { fetcher?: { pollingFetcher?: Poller }; on: (event: string, listener: (arg: unknown) => void) => unknown }

const noop = () => {}

/**
 * Reaches the client's poller: `unleash.repository.fetcher.pollingFetcher` in unleash-client 6.x. Its `fetch()` is
 * the way to fetch at once: it fetches now and re-arms the poll timer from its `finally`. Throws at start, not at the
 * first webhook, if an upgrade moved it.
 */
function internals(client: Unleash): { repository: Repository; poller: Poller } {
  const repository = (client as unknown as { repository?: Repository }).repository
  const poller = repository?.fetcher?.pollingFetcher
  if (
    !repository ||
    !poller ||
    typeof poller.fetch !== 'function' ||
    typeof poller.timedFetch !== 'function' ||
    typeof poller.options?.onSave !== 'function'
  )
    throw new Error('unleash-client internals changed (repository.fetcher.pollingFetcher); src/flags/unleash.ts needs updating')
  return { repository, poller }
}

export function unleashBackend(o: UnleashBackendOptions): Backend {
  let client: Unleash | undefined
  let repository: Repository | undefined
  let poller: Poller | undefined
  let evaluator: Evaluator = NO_FLAGS
  let bootstrapVersion: string | null = null
  let fromServer = false
  let closed = false

  // Per-fetch outcome, read by run(): fetches are serialised below, so these belong to the one in flight.
  let saves = 0
  let unchanged = 0
  let failure: Error | undefined
  let fetches = 0
  // The client's own fetch, set by hook(); run() calls it, the poller calls run() through the queue.
  let clientFetch: () => Promise<void> = async () => {}

  function hook(c: Unleash) {
    ;({ repository, poller } = internals(c))
    const p = poller
    const originalFetch = p.fetch.bind(p)
    const originalTimedFetch = p.timedFetch.bind(p)
    const originalSave = p.options.onSave

    p.options.onSave = async (data, fromApi) => {
      if (fromApi) {
        saves++
        fromServer = true
      }
      return originalSave(data, fromApi)
    }
    p.on('unchanged', () => unchanged++)
    // The poller reports failed fetches as 'error' (network, 401/403, other statuses) or 'warn' (404, 429, 5xx, reset).
    p.on('error', (err) => (failure ??= err instanceof Error ? err : new Error(String(err))))
    p.on('warn', (msg) => (failure ??= new Error(String(msg))))

    p.timedFetch = (interval) => {
      // One poll timer, however many fetches ran: a refresh() between polls would otherwise start a second chain.
      clearTimeout(p.timer)
      if (closed) return
      // On 401/403 the client stops polling for good (interval 0); a fixed token should not need a restart.
      originalTimedFetch(interval > 0 ? interval : o.refreshMs * 10)
    }

    clientFetch = originalFetch
    // The poller's own timer and start() call this.fetch(): route them through the same queue.
    p.fetch = () => fetchNow(fetches++ === 0 ? 'start' : 'poll')
  }

  async function run(trigger: 'start' | 'poll' | 'refresh') {
    const s0 = saves
    const u0 = unchanged
    failure = undefined
    const started = performance.now()
    try {
      await clientFetch()
    } catch (err) {
      failure ??= err as Error
    }
    if (closed) return
    const durationMs = performance.now() - started
    if (failure) o.health.failed(failure, { keeping: version(), what: `fetching flags from ${o.url}` })
    else if (saves > s0) o.health.refreshed({ changed: true, version: version(), durationMs, trigger })
    else if (unchanged > u0) o.health.refreshed({ changed: false, version: version(), durationMs, trigger })
  }

  // One fetch at a time and at most one waiting, so a burst of webhooks costs two fetches, not a stampede.
  let chain: Promise<void> = Promise.resolve()
  let queued: Promise<void> | undefined
  function fetchNow(trigger: 'start' | 'poll' | 'refresh'): Promise<void> {
    if (queued) return queued
    const next = chain.then(() => {
      queued = undefined
      return closed ? undefined : run(trigger)
    })
    queued = next
    chain = next.catch(noop)
    return next
  }

  const version = () => (fromServer ? (poller?.etag ? `unleash:${poller.etag}` : 'unleash') : bootstrapVersion)

  const init = (async () => {
    let bootstrap: FeatureInterface[] = []
    try {
      const set = await loadFlagDir(o.dir)
      bootstrap = toClientFeatures(set.flags, o.environment).features
      bootstrapVersion = set.version
    } catch (err) {
      o.health.failed(err as Error, { keeping: null, what: `reading ${o.dir} for the cold start` })
    }
    if (closed) return
    const c = new Unleash({
      appName: o.appName,
      ...(o.instanceId ? { instanceId: o.instanceId } : {}),
      url: o.url,
      refreshInterval: o.refreshMs,
      timeout: o.timeoutMs,
      customHeaders: { Authorization: o.apiToken },
      // The proxy reports its own metrics; the client's would be a POST per interval to the server.
      disableMetrics: true,
      environment: o.environment,
      // The cold start: flags/ until the server answers (the client drops the bootstrap once connected).
      bootstrap: { data: bootstrap },
      // No backup file in the temp directory: flags/ is the only fallback, the same on every host.
      storageProvider: new InMemStorageProvider(),
      disableAutoStart: true,
      skipInstanceCountWarning: true,
    })
    client = c
    // Without a listener the client console.errors; fetch failures are counted through the poller hooks instead.
    c.on('error', noop)
    c.on('warn', noop)
    c.on('ready', () => {
      if (!closed) evaluator = c
    })
    hook(c)
    // The client is ready once it holds flags (flags/ or the server's); start() resolves after its first fetch,
    // possibly before the bootstrap's 'ready' arrives, so wait for both.
    const holding = new Promise<void>((resolve) => c.once('ready', () => resolve()))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all([c.start().catch(noop), holding]),
      // A server that is down takes the client seconds per attempt (it retries twice); flags/ serve meanwhile.
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, o.readyTimeoutMs)
      }),
    ])
    clearTimeout(timer)
  })()

  let followUntil = 0
  let following: Promise<void> | undefined
  /**
   * Unleash's webhook fires when the change is written, but its client API shows the change only from its next
   * revision tick (up to 1 s later in unleash-server 7; measured 40–980 ms, 2 s on a loaded machine). So a refresh that
   * finds nothing new keeps looking briefly; any change, or the end of the window, ends it.
   */
  function followUp(before: number) {
    followUntil = performance.now() + o.settleMs
    if (following) return
    following = (async () => {
      while (!closed && performance.now() < followUntil && o.health.changes === before) {
        await new Promise((r) => setTimeout(r, o.followUpMs))
        if (!closed) await fetchNow('refresh')
      }
    })().finally(() => {
      following = undefined
    })
  }

  return {
    kind: 'unleash',
    ready: init,
    evaluator: () => evaluator,
    features: () => (evaluator === NO_FLAGS ? [] : (client?.getFeatureToggleDefinitions() ?? [])),
    version,
    serving: () => (fromServer ? 'unleash' : evaluator === NO_FLAGS ? 'none' : 'files'),
    async refresh() {
      await init
      if (closed) return
      const before = o.health.changes
      const errorsBefore = o.health.snapshot().errorCount
      await fetchNow('refresh')
      if (o.health.changes === before && o.health.snapshot().errorCount === errorsBefore) followUp(before)
    },
    async close() {
      if (closed) return
      closed = true
      await init
      if (!client) return
      client.destroy()
      // destroy() removes the repository's listeners; a fetch still in flight that then fails emits 'error' into it,
      // which throws out of a timer callback and ends the process. A listener keeps that a no-op.
      repository?.on('error', noop)
      evaluator = NO_FLAGS
      // Let a fetch in flight finish, but never wait long on a server that does not answer.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([chain, new Promise((r) => (timer = setTimeout(r, 1000)))])
      clearTimeout(timer)
      if (following) await following
    },
  }
}
