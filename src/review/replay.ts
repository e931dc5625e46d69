// Replay: stored mismatched requests (method, path, query, organization and user ids; never bodies or
// personal data) run again against the current new handler and legacy, to see which now match: the
// check after a fix, before widening a rollout. It runs inside the proxy, which holds the engine; runs
// are queued in the database so any replica may take one (SKIP LOCKED) and a crash leaves no orphan.
import type { Sql } from 'postgres'
import type { Engine } from '../engine/index.js'
import type { RouteEntry } from '../routes/types.js'
import { replayStored, type StoredRequest } from './replay-request.js'
import { readRun, type ReplayRunReport } from './replay-runs.js'

export { readRun, recentRuns, type ReplayItem, type ReplayRun, type ReplayRunReport } from './replay-runs.js'

export type ReplayRequest = { route?: string | undefined; signature?: string | undefined; limit?: number | undefined; markId?: number | undefined }

export type Replayer = {
  /** Queues a run; the proxy's replay loop (or run()) picks it up. */
  enqueue(req: ReplayRequest, by: string): Promise<number>
  /** Queues a run and runs it at once; resolves with its report. */
  replayNow(req: ReplayRequest, by: string): Promise<ReplayRunReport>
  /** Runs every queued run (several replicas take turns: SKIP LOCKED). */
  runQueued(): Promise<number>
  start(): void
  stop(): Promise<void>
}

export type ReplayerDeps = {
  sql: Sql
  engine: Pick<Engine, 'replay'>
  routes: readonly RouteEntry[]
  authSecret: string
  /** Replayed requests in flight at once (default 4): replay must not crowd out real traffic. */
  concurrency?: number
  /** Life of the signed tokens (default 60 s). */
  tokenTtlS?: number
  pollMs?: number
  onError?: (err: unknown) => void
}

const MAX_LIMIT = 1000

/** @example const replayer = createReplayer({ sql, engine, routes, authSecret }); replayer.start() */
export function createReplayer(deps: ReplayerDeps): Replayer {
  const { sql } = deps
  let timer: NodeJS.Timeout | undefined
  let draining: Promise<number> | null = null

  async function enqueue(req: ReplayRequest, by: string): Promise<number> {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(req.limit ?? 50)))
    if (req.route && !deps.routes.some((r) => r.id === req.route)) throw new Error(`replay: no route ${req.route} in the route table`)
    const [row] = await sql<{ id: string }[]>`
      insert into org_proxy.replay_run ${sql({ route: req.route ?? null, signature: req.signature ?? null, max_requests: limit, mark_id: req.markId ?? null, requested_by: by })}
      returning id`
    return Number(row!.id)
  }

  /** Takes one queued run (or the given one) for this process; null when none is waiting. */
  async function claim(id?: number): Promise<{ id: string; route: string | null; signature: string | null; max_requests: number } | null> {
    const [row] = await sql<{ id: string; route: string | null; signature: string | null; max_requests: number }[]>`
      update org_proxy.replay_run set status = 'running', started_at = now()
      where id = (
        select id from org_proxy.replay_run
        where status = 'queued' ${id === undefined ? sql`` : sql`and id = ${id}`}
        order by id limit 1 for update skip locked)
      returning id, route, signature, max_requests`
    return row ?? null
  }

  async function execute(run: { id: string; route: string | null; signature: string | null; max_requests: number }): Promise<void> {
    try {
      const sources = await sql<StoredRequest[]>`
        select * from (
          select distinct on (c.method, c.path, c.query, c.organization_id, c.user_id)
            c.id, c.route, c.method, c.path, c.query, c.organization_id, c.user_id, c.signature
          from org_proxy.comparison c
          where c.outcome = 'mismatch' and c.origin in ('shadow', 'verify')
            ${run.route ? sql`and c.route = ${run.route}` : sql``}
            ${run.signature ? sql`and c.signature = ${run.signature}` : sql``}
          order by c.method, c.path, c.query, c.organization_id, c.user_id, c.id desc
        ) latest order by id desc limit ${run.max_requests}`
      const queue = [...sources]
      const worker = async () => {
        for (let s = queue.shift(); s; s = queue.shift()) await replayStored(deps, run.id, s)
      }
      await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 4) }, worker))
      await sql`
        update org_proxy.replay_run r set status = 'done', finished_at = now(),
          total = i.total, matched = i.matched, still_differ = i.still, failed = i.failed, skipped = i.skipped
        from (
          select count(*)::int as total,
            count(*) filter (where outcome in ('match', 'expected'))::int as matched,
            count(*) filter (where outcome = 'mismatch')::int as still,
            count(*) filter (where outcome in ('new-error', 'legacy-error', 'timeout'))::int as failed,
            count(*) filter (where outcome = 'skipped')::int as skipped
          from org_proxy.replay_item where run_id = ${run.id}) i
        where r.id = ${run.id}`
    } catch (err) {
      deps.onError?.(err)
      await sql`update org_proxy.replay_run set status = 'failed', finished_at = now(), error = ${String((err as Error).message).slice(0, 500)} where id = ${run.id}`
    }
  }

  async function drain(): Promise<number> {
    // A run left 'running' by a replica that died is queued again.
    await sql`update org_proxy.replay_run set status = 'queued' where status = 'running' and started_at < now() - interval '10 minutes'`
    let n = 0
    for (let run = await claim(); run; run = await claim()) {
      await execute(run)
      n++
    }
    return n
  }

  const runQueued = () => (draining ??= drain().finally(() => (draining = null)))

  return {
    enqueue,
    async replayNow(req, by) {
      const id = await enqueue(req, by)
      const run = await claim(id)
      // Another replica's loop may have taken it first: wait for its result instead.
      if (run) await execute(run)
      else await waitDone(sql, id)
      return (await readRun(sql, id))!
    },
    runQueued,
    start() {
      if (timer) return
      timer = setInterval(() => void runQueued().catch((err) => deps.onError?.(err)), deps.pollMs ?? 5000)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await draining
    },
  }
}

async function waitDone(sql: Sql, id: number, ms = 120_000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const [r] = await sql<{ status: string }[]>`select status from org_proxy.replay_run where id = ${id}`
    if (r && (r.status === 'done' || r.status === 'failed')) return
    await new Promise((res) => setTimeout(res, 200))
  }
}
