// JSON logs through pino; every request line carries its request id so a trace can be followed
// from the proxy into the legacy API's logs.
import pino, { type Logger } from 'pino'

export type { Logger }

/** @example const log = createLogger('info') */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
    destination ?? pino.destination({ sync: false }),
  )
}
