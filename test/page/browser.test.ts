// The review page in a real headless Chromium (Debian's, driven by playwright-core; never a browser
// download): sign in, the overview with demo data, a route's mismatch groups pointing at a planted
// drift, and two triage actions: *expected* with a reason, then *fixed*, whose replay (run inside the
// proxy after the drift is repaired) reports that the group's requests now match.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { TestDatabase } from '../helpers/db.js'
import { ADMIN_SECRET, plantDrift, repairDrift, reviewDatabase, startStack, usersWithDistricts, type Stack } from '../review/stack.js'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

let db: TestDatabase
let stack: Stack
let browser: Browser
let page: Page
let drifted: { userId: number; campaignId: number }

describe.skipIf(!existsSync(CHROMIUM))('the review page in Chromium', () => {
  beforeAll(async () => {
    db = await reviewDatabase({ users: 40 })
    stack = await startStack(db)
    const users = await usersWithDistricts(db.sql, 8)
    drifted = users[0]!
    await plantDrift(db.sql, drifted.campaignId, 'Drifted District 9')
    for (const u of users) await stack.get('/v1/campaigns/mine', u.userId)
    await stack.flush()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  })
  afterAll(async () => {
    await browser?.close()
    await stack?.close()
    await db?.close()
  })

  it('signs in through the form and lists the routes', async () => {
    await page.goto(`${stack.url}/_proxy/`)
    await page.fill('input[name=token]', ADMIN_SECRET)
    await page.click('button[type=submit]')
    await page.waitForSelector('table.routes')
    expect(await page.textContent('header .who')).toContain('alice')
    expect(await page.textContent('tr[data-route="campaigns.mine"]')).toContain('org.reads')
  })

  it("shows the route's mismatch groups, pointing at the drifted field", async () => {
    await page.click('tr[data-route="campaigns.mine"] a')
    await page.waitForSelector('table.groups')
    const fields = await page.locator('table.groups li.field').allTextContents()
    expect(fields).toEqual(['pathToVictory.data.electionLocation:changed'])
    await page.click('table.groups details summary')
    const example = page.locator('table.groups .example table.diff tbody tr').first()
    expect(await example.textContent()).toContain('"Drifted District 9"')
    await page.screenshot({ path: '/tmp/org-proxy-review-page.png', fullPage: true })
  })

  it('marks the group expected with a reason, recorded with who and when', async () => {
    const row = page.locator('table.groups tbody tr').first()
    await row.locator('input[name=reason]').fill('renamed on purpose')
    await Promise.all([page.waitForURL(/\/_proxy\/routes\/campaigns\.mine#g-/), row.locator('button[value=expected]').click()])
    const status = await page.locator('table.groups tbody tr .status').first().textContent()
    expect(status).toMatch(/expected by alice at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: “renamed on purpose”/)
  })

  it('marks it fixed after the repair: the queued replay says its requests now match', async () => {
    await repairDrift(db.sql, drifted.campaignId)
    const row = page.locator('table.groups tbody tr').first()
    await Promise.all([page.waitForURL(/#g-/), row.locator('button[value=fixed]').click()])
    let runs = ''
    for (let i = 0; i < 50 && !/done/.test(runs); i++) {
      await new Promise((r) => setTimeout(r, 200))
      await page.reload()
      runs = (await page.locator('table.runs tbody tr').first().textContent()) ?? ''
    }
    expect(runs).toMatch(/alice\s*done\s*1 \/ 1/)
    expect(await page.locator('table.groups .status').first().textContent()).toContain('fixed-verified')
  })
})
