// One database handle for the whole proxy: postgres.js on DATABASE_URL, or on an embedded PGlite served
// over a loopback socket, so that every module runs the same SQL through the same client either way.
import postgres from 'postgres'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { resolve } from 'node:path'
import { createPGlite } from './template.js'

export type Sql = postgres.Sql
export type TransactionSql = postgres.TransactionSql
export type ReservedSql = postgres.ReservedSql
/** A handle that repositories accept: the pool, or the transaction they should join. */
export type SqlOrTx = Sql | TransactionSql
/** Anything that runs tagged-template queries: the pool, a transaction, a reserved connection. */
export type Queryable = postgres.ISql

/** The subset of a pino logger the database layer writes to. */
export type DbLogger = {
  info: (obj: Record<string, unknown>, msg: string) => void
  warn: (obj: Record<string, unknown>, msg: string) => void
}

export type Database = {
  sql: Sql
  /** Connection URL; for the embedded database, the loopback socket (other clients may use it too). */
  url: string
  embedded: boolean
  /** Ends the pool, then (embedded) stops the socket server and closes PGlite. Safe to call twice. */
  close: () => Promise<void>
}

export type OpenDatabaseOptions = {
  /** postgres:// URL; unset: an embedded PGlite. */
  databaseUrl?: string
  /** Embedded only: where PGlite keeps its files; unset: in memory. */
  dataDir?: string
  /** Pool size (default 10). */
  max?: number
  logger?: DbLogger
}

const DEFAULT_POOL = 10

/**
 * Opens the proxy's database.
 * @example
 * const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, max: 10 })
 * const [row] = await db.sql`select 1 as one`
 * await db.close()
 */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  const max = opts.max ?? DEFAULT_POOL
  if (opts.databaseUrl) {
    const sql = postgres(opts.databaseUrl, { max, onnotice: quiet })
    return { sql, url: opts.databaseUrl, embedded: false, close: once(() => sql.end({ timeout: 5 })) }
  }
  return openEmbedded(max, opts.dataDir, opts.logger)
}

/** What keepQueriesWhole reaches inside pglite-socket 0.2.17's query queue (pinned version: see package.json). */
type QueuedMessage = { handlerId: number; message: Uint8Array; resolve(bytes: number): void; reject(err: unknown): void; onData(data: Uint8Array): void }
type QueryQueue = {
  queue: QueuedMessage[]
  processing: boolean
  lastHandlerId: number | null
  db: { isInTransaction(): boolean; runExclusive<T>(fn: () => Promise<T>): Promise<T>; execProtocolRawStream(m: Uint8Array, o: { onRawData(d: Uint8Array): void }): Promise<unknown> }
  processQueue(): Promise<void>
  clearQueueForHandler(handlerId: number): void
}

// Message types that end a query: Sync (extended protocol), Query (simple protocol), Terminate.
const SYNC = 0x53
const QUERY = 0x51
const TERMINATE = 0x58

/**
 * pglite-socket queues every protocol message on its own and, outside a transaction block, takes the
 * next message of whichever connection comes first. One extended-protocol query is several messages
 * (Parse, Bind, Describe, Execute, Sync) sharing the session's unnamed portal, so another connection's
 * Bind in between replaces it: "portal "" does not exist" under concurrent load (seen in the phase 3
 * walk). This keeps a connection's messages together until its Sync (or simple Query) as the queue
 * already does for a transaction block, and releases the pin when that connection goes away.
 */
function keepQueriesWhole(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: QueryQueue }).queryQueue
  let midQuery = false
  q.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return
    this.processing = true
    try {
      while (this.queue.length > 0) {
        const pinned = this.lastHandlerId !== null && (midQuery || this.db.isInTransaction())
        const at = pinned ? this.queue.findIndex((m) => m.handlerId === this.lastHandlerId) : 0
        // The pinned connection's next message has not arrived yet: wait for it (its enqueue restarts us).
        if (at === -1) break
        const item = this.queue.splice(at, 1)[0]!
        let bytes = 0
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(item.message, { onRawData: (d) => ((bytes += d.length), item.onData(d)) }))
        } catch (err) {
          item.reject(err)
          continue
        }
        this.lastHandlerId = item.handlerId
        const type = item.message[0]
        // A startup message has no type byte (it begins with its length): it is whole on its own.
        midQuery = !(type === SYNC || type === QUERY || type === TERMINATE || type === 0)
        item.resolve(bytes)
      }
    } finally {
      this.processing = false
    }
  }
  const clear = q.clearQueueForHandler.bind(q)
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId)
    if (q.lastHandlerId === handlerId) {
      midQuery = false
      void q.processQueue()
    }
  }
}

/**
 * PGlite is one PostgreSQL session; pglite-socket multiplexes client connections onto it, running one
 * protocol message at a time and, while a query or a transaction block is open, only that connection's
 * messages (keepQueriesWhole). Consequences every caller of an embedded database must live with:
 * - session state is shared: `SET` leaks to every connection (use `SET LOCAL` / `set_config(..., true)`
 *   inside a transaction), advisory locks are re-entrant across "connections", temp objects are shared;
 * - a transaction that waits on another connection's query deadlocks (that query waits for it);
 * - LISTEN/NOTIFY does not reach other connections.
 */
async function openEmbedded(max: number, dataDir: string | undefined, logger: DbLogger | undefined): Promise<Database> {
  const started = Date.now()
  const dir = dataDir ? resolve(dataDir) : undefined
  const pglite = await createPGlite(dir)
  // postgres.js only works when the server accepts more connections than its pool holds (it keeps
  // reconnecting otherwise); the headroom also lets a second client (a CLI, a test) connect.
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: max * 2 + 8 })
  keepQueriesWhole(server)
  try {
    await server.start()
  } catch (err) {
    await pglite.close()
    throw err
  }
  const port = Number(server.getServerConn().split(':').pop())
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  // Named statements must stay on (the default): postgres.js names them with a random per-connection
  // prefix so they never collide, while unnamed ones (prepare: false) are parsed in one message batch
  // and bound in the next, and another connection's batch can replace the unnamed statement in between
  // (measured: half of 2,000 concurrent queries failed with "bind message supplies 1 parameters").
  const sql = postgres(url, { max, onnotice: quiet, idle_timeout: 0 })
  logger?.info({ port, dataDir: dir ?? 'memory', ms: Date.now() - started }, 'embedded PostgreSQL (PGlite) ready')
  return {
    sql,
    url,
    embedded: true,
    close: once(async () => {
      await sql.end({ timeout: 5 })
      await server.stop()
      await pglite.close()
    }),
  }
}

function quiet(): void {
  // Notices ("relation already exists, skipping") are expected from idempotent SQL; they are not news.
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => (done ??= fn())
}
