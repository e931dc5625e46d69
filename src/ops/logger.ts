// JSON logs through pino; every request line carries its request id so a trace can be followed
// from the proxy into the legacy API's logs.
import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * Lines are buffered in-process and written synchronously in 4 KiB blocks (and at least every 250 ms):
 * measured on the hot path, pino's async destination hands every line to libuv's thread pool, which
 * cost about 30 % of the proxy's CPU per request. At most 250 ms of lines can be lost on a crash;
 * `flushLogs` runs at shutdown.
 * @example const log = createLogger('info')
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  let stream = destination
  if (!stream) {
    const dest = pino.destination({ dest: 1, sync: true, minLength: 4096 })
    const timer = setInterval(() => {
      try {
        dest.flushSync()
      } catch {
        // stdout busy (EAGAIN): the next tick writes it
      }
    }, 250)
    timer.unref()
    process.once('exit', () => {
      try {
        dest.flushSync()
      } catch {
        // nothing left to do at exit
      }
    })
    stream = dest
  }
  return pino(
    {
      level,
      base: { service: 'org-proxy' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets never reach the logs even when a caller logs a whole header object.
      redact: {
        paths: ['headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    stream,
  )
}

/** Writes what the logger still buffers (before exit). */
export function flushLogs(log: Logger): void {
  try {
    log.flush()
  } catch {
    // a closed stdout cannot take it anyway
  }
}
