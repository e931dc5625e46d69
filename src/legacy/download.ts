// A voter-file CSV generated on the fly and streamed in chunks: the kind of large body the proxy must
// pass through without buffering. Its bytes depend only on the campaign and `rows`, so runs compare.
import type { Hono, MiddlewareHandler } from 'hono'
import type postgres from 'postgres'
import type { LegacyEnv } from './auth.js'
import { nestError } from './errors.js'
import { campaignNotFound } from './target.js'

type Deps = { sql: postgres.Sql; auth: MiddlewareHandler<LegacyEnv> }

export const DEFAULT_ROWS = 100_000
export const MAX_ROWS = 10_000_000
const ROWS_PER_CHUNK = 2_000

const HEADER = 'voterId,firstName,lastName,party,age,gender,zip,phone,registered\n'
const FIRST = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'June', 'Kai', 'Lena']
const LAST = ['Garcia', 'Smith', 'Nguyen', 'Okafor', 'Rossi', 'Kowalski', 'Haddad', 'Lee', 'Brown', 'Silva']
const PARTY = ['Democratic', 'Republican', 'Independent', 'Non-Partisan', 'Unknown']
const GENDER = ['F', 'M', 'U']

export function registerDownloadRoutes(app: Hono<LegacyEnv>, { sql, auth }: Deps): void {
  app.get('/v1/voters/voter-file/download', auth, async (c) => {
    const raw = c.req.query('rows')
    const rows = raw === undefined ? DEFAULT_ROWS : Number(raw)
    if (!/^\d+$/.test(raw ?? '0') || rows > MAX_ROWS)
      throw nestError(400, `rows must be a whole number from 0 to ${MAX_ROWS}`)
    const [campaign] = await sql<{ id: number; slug: string }[]>`
      SELECT id, slug FROM campaign WHERE user_id = ${c.get('user').id}`
    if (!campaign) throw campaignNotFound()
    return c.body(voterCsv(campaign.id, rows), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="voters-${campaign.slug.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`,
    })
  })
}

/**
 * The CSV as a pull stream: a chunk is made only when the reader asks, so memory stays flat.
 * @example new Response(voterCsv(7, 10)).text()
 */
export function voterCsv(seed: number, rows: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const random = mulberry32(seed)
  let next = 0
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(HEADER))
    },
    pull(controller) {
      if (next >= rows) return controller.close()
      const end = Math.min(rows, next + ROWS_PER_CHUNK)
      let chunk = ''
      for (; next < end; next++) chunk += line(seed, next, random)
      controller.enqueue(encoder.encode(chunk))
    },
  })
}

function line(seed: number, i: number, random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const zip = String(10000 + Math.floor(random() * 89999))
  const phone = `555${String(Math.floor(random() * 1e7)).padStart(7, '0')}`
  return `${seed}-${i + 1},${pick(FIRST)},${pick(LAST)},${pick(PARTY)},${18 + Math.floor(random() * 72)},${pick(GENDER)},${zip},${phone},${random() < 0.9}\n`
}

// A tiny seeded PRNG: the same campaign always gets the same file.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
