// The review page over HTTP: the admin guard (bearer for scripts; a sign-in form and an HttpOnly,
// SameSite=Strict session cookie for browsers), the overview and a route's view with its groups and
// redacted side-by-side examples, everything escaped, and triage by form with who and when.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { verifySession } from '../../src/page/index.js'
import type { TestDatabase } from '../helpers/db.js'
import { insertRows } from '../review/rows.js'
import { admin, ADMIN_SECRET, plantDrift, reviewDatabase, startStack, usersWithDistricts, type Stack } from '../review/stack.js'

let db: TestDatabase
let stack: Stack
let cookie = ''

beforeAll(async () => {
  db = await reviewDatabase({ users: 30 })
  stack = await startStack(db)
  const users = await usersWithDistricts(db.sql, 4)
  await plantDrift(db.sql, users[0]!.campaignId, 'Drifted <District> 9')
  for (const u of users) await stack.get('/v1/campaigns/mine', u.userId)
  await insertRows(db.sql, [
    {
      route: 'campaigns.mine', keys: ['details.<img src=x onerror=alert(1)>:changed'], query: 'email=jane.doe%40example.org&view=full',
    },
  ])
  await db.sql`
    insert into org_proxy.job_checkpoint (job, run_id, status, done, total)
    values ('backfill:organizations', gen_random_uuid(), 'finished', 1200, 1200)`
  await stack.flush()
})
afterAll(async () => {
  await stack?.close()
  await db?.close()
})

async function get(path: string, headers: Record<string, string> = {}) {
  const r = await request(stack.url + path, { headers })
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() }
}

async function postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const r = await request(stack.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  })
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() }
}

describe('the admin guard', () => {
  it('answers API clients 401 problem+json and browsers a sign-in form', async () => {
    const api = await get('/_proxy/')
    expect(api.status).toBe(401)
    expect(api.headers['content-type']).toBe('application/problem+json')
    const browser = await get('/_proxy/routes/campaigns.mine', { accept: 'text/html' })
    expect(browser.status).toBe(401)
    expect(browser.body).toContain('<form method="post" action="/_proxy/login"')
    expect(browser.body).toContain('value="/_proxy/routes/campaigns.mine"')
  })

  it('signs a browser in with a form post, into an HttpOnly SameSite=Strict cookie that holds no secret', async () => {
    const wrong = await postForm('/_proxy/login', { token: 'not-the-token-0123456789', next: '/_proxy/' })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toContain('not valid')
    const r = await postForm('/_proxy/login', { token: ADMIN_SECRET, next: '/_proxy/routes/campaigns.mine' })
    expect(r.status).toBe(303)
    expect(r.headers.location).toBe('/_proxy/routes/campaigns.mine')
    const set = String(r.headers['set-cookie'])
    expect(set).toMatch(/^org_proxy_admin=[^;]+; Max-Age=43200; Path=\/_proxy; HttpOnly; SameSite=Strict/)
    expect(set).not.toContain(ADMIN_SECRET)
    cookie = set.split(';')[0]!
    const page = await get('/_proxy/', { cookie })
    expect(page.status).toBe(200)
    expect(page.body).toContain('signed in as <b>alice</b>')
  })

  it('never redirects off the admin app after sign-in', async () => {
    const r = await postForm('/_proxy/login', { token: ADMIN_SECRET, next: 'https://evil.example/' })
    expect(r.headers.location).toBe('/_proxy/')
  })

  it('refuses a tampered or expired session, and one whose admin secret changed', async () => {
    const value = decodeURIComponent(cookie.split('=')[1]!)
    const tokens = [{ label: 'alice', secret: ADMIN_SECRET }]
    expect(verifySession(value, tokens)).toBe('alice')
    expect(verifySession(value.replace(/^[^.]+/, Buffer.from('bob').toString('base64url')), [...tokens, { label: 'bob', secret: 'b'.repeat(20) }])).toBeNull()
    expect(verifySession(value, tokens, Math.floor(Date.now() / 1000) + 13 * 3600)).toBeNull()
    expect(verifySession(value, [{ label: 'alice', secret: 'rotated-secret-0123456789' }])).toBeNull()
    expect((await get('/_proxy/', { cookie: `${cookie}x` })).status).toBe(401)
  })

  it('refuses a cookie-carried write from another origin', async () => {
    const r = await postForm('/_proxy/triage', { route: 'campaigns.mine', signature: '000000000000', mark: 'bug' }, { cookie, origin: 'https://evil.example' })
    expect(r.status).toBe(403)
  })
})

describe('the page', () => {
  it('lists the migrated routes at /_proxy and /_proxy/', async () => {
    for (const path of ['/_proxy', '/_proxy/']) {
      const r = await get(path, admin)
      expect(r.status).toBe(200)
      expect(r.body).toContain('href="/_proxy/routes/campaigns.mine?since=24h"')
      expect(r.body).toContain('org.reads')
    }
  })

  it('shows a route’s flag, stage split, backfill, chart, groups and a redacted side-by-side example', async () => {
    const r = await get('/_proxy/routes/campaigns.mine', admin)
    expect(r.status).toBe(200)
    const html = r.body
    expect(html).toContain('Flag org.reads')
    expect(html).toMatch(/configured<\/td><td class="num">0 %<\/td><td class="num">100 %<\/td><td class="num">0 %/)
    expect(html).toContain('backfill:organizations')
    expect(html).toContain('1200 / 1200 (100 %)')
    expect(html).toContain('<svg class="chart"')
    expect(html).toContain('<li class="field">pathToVictory.data.electionLocation:changed</li>')
    // the stored diff's values, escaped
    expect(html).toContain('&quot;Drifted &lt;District&gt; 9&quot;')
    expect(html).toContain('latency p50 / p99')
    expect(html).toContain('Gate for the next step')
  })

  it('escapes everything and never shows query values', async () => {
    const r = await get('/_proxy/routes/campaigns.mine', admin)
    expect(r.body).not.toContain('<img src=x')
    expect(r.body).toContain('details.&lt;img src=x onerror=alert(1)&gt;:changed')
    expect(r.body).not.toContain('jane.doe')
    expect(r.body).toContain('?email=…&amp;view=…')
  })

  it('takes a triage mark from its form and shows it with who and when', async () => {
    const [g] = await db.sql<{ signature: string }[]>`
      select signature from org_proxy.comparison where 'pathToVictory.data.electionLocation:changed' = any(signature_keys) limit 1`
    const r = await postForm('/_proxy/triage', { route: 'campaigns.mine', signature: g!.signature, mark: 'bug', reason: 'the organization missed a P2V update' }, { cookie })
    expect(r.status).toBe(303)
    expect(r.headers.location).toBe(`/_proxy/routes/campaigns.mine#g-${g!.signature}`)
    const page = await get('/_proxy/routes/campaigns.mine', { cookie })
    expect(page.body).toMatch(/<span class="pill bug">bug<\/span><div class="muted mark">bug by <b>alice<\/b> at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: “the organization missed a P2V update”/)
  })

  it('serves the report and a gate as JSON, and 404 for an unknown route', async () => {
    const report = JSON.parse((await get('/_proxy/diffs.json?route=campaigns.mine&since=1h', admin)).body)
    expect(report.routes[0].route).toBe('campaigns.mine')
    const gate = JSON.parse((await get('/_proxy/gate/org.reads?to=100', admin)).body)
    expect(gate).toMatchObject({ flag: 'org.reads', target: '100', ok: false })
    expect((await get('/_proxy/routes/nope', admin)).status).toBe(404)
    expect((await get('/_proxy/diffs.json?since=soon', admin)).status).toBe(400)
  })
})
