// `npm run replay [-- --route R --signature S --limit N]`: asks the running proxy to replay stored
// mismatched requests against the current new handler and legacy, and prints which now match. The
// proxy does the work (it holds the engine and AUTH_SECRET); this command only asks, as an admin.
import { parseArgs } from 'node:util'
import { parseAdminTokens } from '../app/admin-auth.js'
import type { ReplayRunReport } from '../review/index.js'
import { UsageError } from '../review/cli.js'
import { failWith, isMain, runAsProcess, type Io } from './io.js'

const fail = failWith('replay')

const USAGE = `usage: npm run replay -- [options]
  --route ID          only this route's stored mismatches
  --signature S       only this mismatch group (12 hex digits, from npm run diffs or the page)
  --limit N           at most N distinct requests, newest first (default 50, at most 1000)
  --json              the run's report as JSON
Calls POST {PROXY_URL}/_proxy/replay (PROXY_URL default http://127.0.0.1:8080) with ADMIN_TOKEN
(label:secret or secret; the first entry when there are several). Only GET and HEAD are replayed.
Exit codes: 0 every replayed request now matches, 1 some still differ or failed, 2 bad arguments
or configuration, 3 the proxy could not be asked.`

export async function run(argv: string[], io: Io): Promise<number> {
  let body: { route?: string; signature?: string; limit?: number }
  let json: boolean
  let url: URL
  let secret: string
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        route: { type: 'string' },
        signature: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) return io.out(USAGE), 0
    if (values.signature !== undefined && !/^[0-9a-f]{12}$/.test(values.signature)) throw new UsageError(`--signature is 12 hex digits, got ${JSON.stringify(values.signature)}`)
    const limit = values.limit === undefined ? undefined : Number(values.limit)
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) throw new UsageError(`--limit must be a whole number from 1 to 1000, got ${JSON.stringify(values.limit)}`)
    body = { ...(values.route ? { route: values.route } : {}), ...(values.signature ? { signature: values.signature } : {}), ...(limit ? { limit } : {}) }
    json = values.json
    const token = io.env.ADMIN_TOKEN ? parseAdminTokens(io.env.ADMIN_TOKEN)[0] : undefined
    if (!token) throw new UsageError('ADMIN_TOKEN is not set: replay runs inside the proxy and is an admin action')
    secret = token.secret
    url = new URL('/_proxy/replay', io.env.PROXY_URL || 'http://127.0.0.1:8080')
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run replay -- --help)`, 2)
  }
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10 * 60_000),
    })
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return fail(io, `cannot reach the proxy at ${url.origin} (${cause?.code ?? cause?.message ?? (err as Error).message}); set PROXY_URL`, 3)
  }
  const text = await res.text()
  if (!res.ok) {
    let detail = text.slice(0, 300)
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail
    } catch {
      // not JSON: the text itself says it
    }
    return fail(io, `the proxy answered ${res.status}: ${detail}`, res.status === 401 || res.status === 400 || res.status === 404 ? 2 : 3)
  }
  const report = JSON.parse(text) as ReplayRunReport
  if (json) io.out(JSON.stringify(report, null, 2))
  else for (const line of formatRun(report)) io.out(line)
  const replayed = report.items.filter((i) => i.outcome !== 'skipped')
  return report.status === 'done' && replayed.every((i) => i.nowMatches) ? 0 : 1
}

export function formatRun(r: ReplayRunReport): string[] {
  const scope = [r.route ? `route ${r.route}` : 'all routes', r.signature ? `group ${r.signature}` : null].filter(Boolean).join(', ')
  if (r.status === 'failed') return [`replay #${r.id} (${scope}) failed: ${r.error ?? 'unknown error'}`]
  if (r.total === 0) return [`replay #${r.id} (${scope}): no stored mismatches to replay`]
  const lines = [`replay #${r.id} (${scope}) by ${r.requestedBy}: ${r.total} replayed, ${r.matched} now match, ${r.stillDiffer} still differ, ${r.failed} failed, ${r.skipped} skipped`]
  for (const i of r.items) {
    const verdict = i.nowMatches ? 'now matches' : i.outcome === 'mismatch' ? `still differs [${i.signature}] ${(i.signatureKeys ?? []).join(', ')}` : `${i.outcome}${i.error ? `: ${i.error}` : ''}`
    lines.push(`  #${i.comparisonId} ${i.method} ${i.path}${i.organizationId ? ` org ${i.organizationId}` : ''} (was ${i.wasSignature ?? '?'}): ${verdict}`)
  }
  return lines
}

if (isMain(import.meta.url)) await runAsProcess(run)
