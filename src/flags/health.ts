// The flag source's bookkeeping of refreshes and failures: one place that counts, logs an outage once (not once per
// poll), and hands each event to the caller's hook, so metrics live elsewhere and a throwing hook breaks nothing.

export type FlagSourceKind = 'unleash' | 'files'

/** What the source reports to `onEvent`: a Prometheus counter per type (and `changed`) is the intended use. */
export type FlagEvent =
  | {
      type: 'refresh'
      source: FlagSourceKind
      /** Whether the flags differ from before (Unleash answered 200 rather than 304; the files' bytes changed). */
      changed: boolean
      version: string | null
      durationMs: number
      trigger: 'start' | 'poll' | 'refresh' | 'watch'
    }
  | { type: 'error'; source: FlagSourceKind; error: Error; errorCount: number; consecutiveErrors: number }

/** pino's Logger fits; so does a console adapter. */
export type FlagLogger = {
  info: (obj: object, msg?: string) => void
  warn: (obj: object, msg?: string) => void
  error: (obj: object, msg?: string) => void
}

export type HealthSnapshot = {
  lastRefreshAt: string | null
  lastChangeAt: string | null
  lastError: { message: string; at: string } | null
  errorCount: number
  consecutiveErrors: number
}

export type Health = ReturnType<typeof createHealth>

export function createHealth(opts: { source: FlagSourceKind; onEvent?: (e: FlagEvent) => void; log?: FlagLogger }) {
  let lastRefreshAt: Date | null = null
  let lastChangeAt: Date | null = null
  let lastError: { message: string; at: Date } | null = null
  let errorCount = 0
  let consecutiveErrors = 0
  let changes = 0

  const emit = (e: FlagEvent) => {
    try {
      opts.onEvent?.(e)
    } catch {
      // A metrics hook that throws must not take flag evaluation down with it.
    }
  }
  const log = (level: keyof FlagLogger, obj: object, msg: string) => {
    try {
      opts.log?.[level](obj, msg)
    } catch {
      // Same reason as emit.
    }
  }

  return {
    /** How many times the flags changed; refresh() compares it to know whether a fetch brought news. */
    get changes() {
      return changes
    },
    refreshed(e: { changed: boolean; version: string | null; durationMs: number; trigger: Extract<FlagEvent, { type: 'refresh' }>['trigger'] }) {
      lastRefreshAt = new Date()
      if (e.changed) {
        lastChangeAt = lastRefreshAt
        changes++
      }
      if (consecutiveErrors > 0)
        log('info', { source: opts.source, failedAttempts: consecutiveErrors, version: e.version }, `flags: ${opts.source} is back`)
      consecutiveErrors = 0
      if (e.changed) log('info', { source: opts.source, version: e.version, trigger: e.trigger }, 'flags: new flags in use')
      emit({ type: 'refresh', source: opts.source, ...e })
    },
    failed(error: Error, context: { keeping: string | null; what: string }) {
      errorCount++
      consecutiveErrors++
      const repeated = lastError?.message === error.message && consecutiveErrors > 1
      lastError = { message: error.message, at: new Date() }
      // An outage is logged when it starts or changes character; the counter carries the rest.
      if (!repeated)
        log(
          'error',
          { source: opts.source, err: error.message, keepingVersion: context.keeping, errorCount },
          `flags: ${context.what} failed; keeping the last good flags`,
        )
      emit({ type: 'error', source: opts.source, error, errorCount, consecutiveErrors })
    },
    snapshot(): HealthSnapshot {
      return {
        lastRefreshAt: lastRefreshAt?.toISOString() ?? null,
        lastChangeAt: lastChangeAt?.toISOString() ?? null,
        lastError: lastError ? { message: lastError.message, at: lastError.at.toISOString() } : null,
        errorCount,
        consecutiveErrors,
      }
    },
  }
}
