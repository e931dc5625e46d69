// One fresh database with the legacy baseline and a stand-in app over it, plus helpers to insert
// rows by hand and to call the app as a given user (no port: app.request).
import { signJwt } from '../../src/auth/jwt.js'
import { createLegacyApp } from '../../src/legacy/index.js'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'

export const SECRET = 'legacy-test-secret-0123456789'

export type CallOptions = { token?: string | null; body?: unknown; headers?: Record<string, string> }

export type LegacyFixture = TestDatabase & {
  app: ReturnType<typeof createLegacyApp>
  errors: Error[]
  tokenFor(userId: number): string
  call(method: string, path: string, options?: CallOptions): Promise<Response>
  addUser(u?: { email?: string; name?: string | null; firstName?: string; lastName?: string; roles?: string[] }): Promise<number>
  addCampaign(c: { userId: number; slug?: string; isPro?: boolean; details?: unknown; data?: unknown }): Promise<{ id: number; slug: string }>
  addP2v(campaignId: number, data: unknown): Promise<number>
}

let counter = 0

export async function legacyFixture(): Promise<LegacyFixture> {
  const db = await freshDatabase()
  await db.sql.file('sql/legacy/0001_gp_api_baseline.sql')
  const errors: Error[] = []
  const app = createLegacyApp({ sql: db.sql, authSecret: SECRET, onError: (e) => errors.push(e) })
  const tokenFor = (userId: number) => signJwt({ sub: userId, email: `u${userId}@example.com` }, SECRET)
  return {
    ...db,
    app,
    errors,
    tokenFor,
    async call(method, path, { token, body, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers }
      if (token) h.authorization = `Bearer ${token}`
      if (body !== undefined) h['content-type'] ??= 'application/json'
      return app.request(path, {
        method,
        headers: h,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      })
    },
    async addUser({ email, name = 'Test User', firstName, lastName, roles = ['candidate'] } = {}) {
      const [row] = await db.sql<{ id: number }[]>`
        INSERT INTO "user" (email, name, "firstName", "lastName", roles)
        VALUES (${email ?? `user${++counter}-${Date.now()}@example.com`}, ${name}, ${firstName ?? null}, ${lastName ?? null}, ${roles})
        RETURNING id`
      return row!.id
    },
    async addCampaign({ userId, slug, isPro = false, details = {}, data = {} }) {
      const [row] = await db.sql<{ id: number; slug: string }[]>`
        INSERT INTO campaign (slug, user_id, "isPro", details, data)
        VALUES (${slug ?? `campaign-${userId}`}, ${userId}, ${isPro}, ${db.sql.json(details as never)}, ${db.sql.json(data as never)})
        RETURNING id, slug`
      return row!
    },
    async addP2v(campaignId, data) {
      const [row] = await db.sql<{ id: number }[]>`
        INSERT INTO path_to_victory (campaign_id, data) VALUES (${campaignId}, ${db.sql.json(data as never)}) RETURNING id`
      return row!.id
    },
  }
}

/** Status and parsed JSON body of an answer (null for an empty body). */
export async function answer(res: Response): Promise<{ status: number; body: any }> {
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}
