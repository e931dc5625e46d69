// postgres.js 3.4.9 (the latest) throws from a timer when the server ends a session inside sql.begin
// (failover, pg_terminate_backend, a restart): begin's rollback is written to the closed socket
// ("Cannot read properties of null (reading 'write')" in connection.js), and the dead connection's
// reconnect can surface CONNECT_TIMEOUT the same way. Nothing awaits either error, so Node would
// exit; the query that met the disconnect has already been rejected (CONNECTION_CLOSED) and the job
// runner retries it on a fresh connection. This guard keeps a job process alive through exactly those
// two errors and nothing else.

/** True for the two uncaught errors postgres.js raises after a lost session (see above). */
export function isPostgresJsDisconnectNoise(err: unknown): boolean {
  const e = err as { message?: string; stack?: string; code?: string }
  const fromDriver = typeof e?.stack === 'string' && /postgres[\\/]src[\\/]connection\.js/.test(e.stack)
  if (!fromDriver) return false
  return (err instanceof TypeError && /reading 'write'/.test(e.message ?? '')) || e.code === 'CONNECT_TIMEOUT'
}

/**
 * Installs the guard for the life of the process (job CLIs; the proxy may do the same).
 * @example installDisconnectGuard((err) => log.warn({ err }, 'database session lost; retrying'))
 */
export function installDisconnectGuard(onIgnored: (err: unknown) => void): void {
  process.on('uncaughtException', (err) => {
    if (isPostgresJsDisconnectNoise(err)) return onIgnored(err)
    process.stderr.write(`${err?.stack ?? String(err)}\n`)
    process.exit(1)
  })
}
