// Flags without an Unleash server: unleash-client evaluates flags/ locally (bootstrap, no polling, no network) and a
// watch on the directory swaps in a fresh client on every good edit, so an edit reroutes traffic within a second.
import { createHash } from 'node:crypto'
import { Unleash, InMemStorageProvider } from 'unleash-client'
import type { FeatureInterface } from 'unleash-client/lib/feature.js'
import { FlagFileError, parseFlagFiles, readFlagFiles, toClientFeatures } from './definition.js'
import type { Health } from './health.js'
import { NO_FLAGS, type Evaluator } from './stage.js'
import { watchDir } from './watch.js'
import type { Backend } from './backend.js'

export type FilesBackendOptions = {
  dir: string
  environment: string
  appName: string
  health: Health
  watch: false | { debounceMs?: number; pollMs?: number }
}

type Loaded = { client: Unleash | null; evaluator: Evaluator; features: FeatureInterface[]; version: string }

export function filesBackend(o: FilesBackendOptions): Backend {
  let loaded: Loaded | null = null
  // The bytes last tried, good or bad: a save that changes nothing, or a bad file seen again, is neither reloaded
  // nor counted twice.
  let lastTried: string | undefined
  let closed = false

  async function load(trigger: 'start' | 'refresh' | 'watch'): Promise<void> {
    const started = performance.now()
    let files: Array<{ file: string; text: string }>
    try {
      files = await readWithRetry(o.dir)
    } catch (err) {
      const error = new Error(`cannot read ${o.dir}: ${(err as Error).message}`)
      if (lastTried !== error.message) o.health.failed(error, { keeping: loaded?.version ?? null, what: `reading ${o.dir}` })
      lastTried = error.message
      return
    }
    const bytes = digest(files)
    if (bytes === lastTried) {
      // Nothing new. Only an explicit refresh reports it; the watch's safety-net timer would just add noise.
      if (trigger === 'refresh' && loaded)
        o.health.refreshed({ changed: false, version: loaded.version, durationMs: performance.now() - started, trigger })
      return
    }
    lastTried = bytes
    try {
      const set = parseFlagFiles(files)
      const features = toClientFeatures(set.flags, o.environment).features
      const client = await bootClient(features)
      if (closed) return client?.destroy()
      const previous = loaded
      loaded = { client, evaluator: client ?? NO_FLAGS, features, version: set.version }
      previous?.client?.destroy()
      o.health.refreshed({ changed: true, version: set.version, durationMs: performance.now() - started, trigger })
    } catch (err) {
      const error = err instanceof FlagFileError ? err : new Error(`flags in ${o.dir}: ${(err as Error).message}`)
      o.health.failed(error, { keeping: loaded?.version ?? null, what: `loading ${o.dir}` })
    }
  }

  async function bootClient(features: FeatureInterface[]): Promise<Unleash | null> {
    // unleash-client never becomes ready on an empty bootstrap; with no flags everything is simply off.
    if (features.length === 0) return null
    const client = new Unleash({
      appName: o.appName,
      // Required by the constructor, never contacted: refreshInterval 0 stops polling, metrics are off.
      url: 'http://127.0.0.1:9/unused/',
      refreshInterval: 0,
      disableMetrics: true,
      environment: o.environment,
      bootstrap: { data: features },
      storageProvider: new InMemStorageProvider(),
      disableAutoStart: true,
      skipInstanceCountWarning: true,
    })
    client.on('error', () => {})
    client.on('warn', () => {})
    const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()))
    await client.start()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('unleash-client did not accept the flags')), 2000)
    })
    try {
      await Promise.race([ready, timeout])
    } catch (err) {
      client.destroy()
      throw err
    } finally {
      clearTimeout(timer)
    }
    return client
  }

  // One load at a time, and at most one waiting: a burst of triggers collapses into the load after the current one.
  let chain: Promise<void> = Promise.resolve()
  let queued: Promise<void> | undefined
  const reload = (trigger: 'start' | 'refresh' | 'watch') => {
    if (queued) return queued
    const next = chain.then(() => {
      queued = undefined
      return closed ? undefined : load(trigger)
    })
    queued = next
    chain = next.catch(() => {})
    return next
  }

  const ready = reload('start')
  const watcher = o.watch
    ? watchDir(o.dir, () => void reload('watch'), {
        ...o.watch,
        onError: (err) => o.health.failed(new Error(`watching ${o.dir}: ${err.message}`), { keeping: loaded?.version ?? null, what: 'the flags watch' }),
      })
    : undefined

  return {
    kind: 'files',
    ready,
    evaluator: () => loaded?.evaluator ?? NO_FLAGS,
    features: () => loaded?.features ?? [],
    version: () => loaded?.version ?? null,
    serving: () => (loaded ? 'files' : 'none'),
    refresh: () => reload('refresh'),
    async close() {
      closed = true
      watcher?.close()
      await chain
      loaded?.client?.destroy()
    },
  }
}

/** A rename-on-save can remove a file between listing and reading it; one short retry sees the new one. */
async function readWithRetry(dir: string) {
  try {
    return await readFlagFiles(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await new Promise((r) => setTimeout(r, 50))
    return readFlagFiles(dir)
  }
}

function digest(files: Array<{ file: string; text: string }>): string {
  const h = createHash('sha256')
  for (const f of files) h.update(f.file).update('\0').update(f.text).update('\0')
  return h.digest('hex')
}
