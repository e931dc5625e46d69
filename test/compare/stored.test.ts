// The stored form of a comparison: no personal value survives anywhere in it (deep scan of the
// JSON for every raw string), while everything else stays readable, capped and typed.
import { describe, expect, it } from 'vitest'
import { compare, compileRules, storedComparison, type CompareRulesInput } from '../../src/compare/index.js'

const SECRET = 'test-secret-0123456789'
const TOKEN = /^h:[0-9a-f]{16}$/

// Every personal value below; none may appear in the stored JSON, whole or as a part.
const PERSONAL = [
  'jane@example.org',
  'john@example.org',
  'voter1@example.net',
  'voter2@example.net',
  'Jane',
  'Doe',
  'Jane Doe',
  'John Roe',
  '555-0100',
  '555-0199',
  '1 Main St',
  '2 Elm St',
  '94110',
  '94117',
  '1980-02-03',
  'LAL-123',
  'LAL-456',
  'Margaret Voter',
  'secret-note-about-voter',
]

function personalBodies() {
  const legacy = {
    user: {
      id: 7,
      email: 'jane@example.org',
      firstName: 'Jane',
      lastName: 'Doe',
      name: 'Jane Doe',
      phone: '555-0100',
      metaData: { address: { street: '1 Main St', zip: 94110, city: 'Springfield' }, dateOfBirth: '1980-02-03' },
    },
    contacts: [
      { email: 'voter1@example.net', phone: '555-0199', party: 'DEM' },
      { email: 'voter2@example.net', phone: '555-0100', party: 'REP' },
    ],
    voters: [{ LALVOTERID: 'LAL-123', fullName: 'Margaret Voter', partyDemocrat: true, note: 'secret-note-about-voter' }],
    filters: [{ id: 1, name: 'Likely voters', hasEmail: true }],
    message: 'Synced jane@example.org',
  }
  const candidate = {
    user: {
      id: 7,
      email: 'john@example.org',
      firstName: 'John Roe',
      name: 'John Roe',
      phone: 5550100,
      metaData: { address: { street: '2 Elm St', zip: '94117', city: 'Springfield' }, dateOfBirth: null },
    },
    contacts: [{ email: 'voter1@example.net', phone: '555-0100', party: 'DEM' }],
    voters: [{ LALVOTERID: 'LAL-456', fullName: 'Margaret Voter', partyDemocrat: false }],
    filters: [{ id: 1, name: 'Likely voters 2', hasEmail: false }],
    message: 'Synced john@example.org',
    extraUser: { email: 'jane@example.org', name: 'Jane Doe', note: 'x' },
  }
  return { legacy, candidate }
}

const RULES: CompareRulesInput = {
  arraysAsSets: [{ path: 'contacts', key: 'email' }],
  sensitive: ['voters'],
}

function storedJson(rules: CompareRulesInput, status: [number, number] = [200, 200]) {
  const compiled = compileRules(rules)
  const { legacy, candidate } = personalBodies()
  const c = compare({ status: status[0], body: legacy }, { status: status[1], body: candidate }, compiled)
  const stored = storedComparison(c, compiled, { secret: SECRET })
  return { c, stored, json: JSON.stringify(stored) }
}

describe('storedComparison', () => {
  it('keeps no personal value anywhere, whole or in part (deep scan)', () => {
    const { c, json } = storedJson(RULES)
    expect(c.outcome).toBe('mismatch')
    expect(c.differences.length).toBeGreaterThan(10)
    for (const raw of PERSONAL) expect(json, raw).not.toContain(raw)
    expect(json).not.toContain('@')
  })

  it('even with no route rules at all, the built-in names protect the person fields', () => {
    const { json } = storedJson({ arraysAsSets: [{ path: 'contacts', key: 'email' }] })
    // Only the free-text `note` of a voter needs the route's `sensitive: ['voters']` rule.
    for (const raw of PERSONAL.filter((p) => p !== 'secret-note-about-voter')) expect(json, raw).not.toContain(raw)
    expect(json).toContain('secret-note-about-voter')
  })

  it('hashes personal set keys in stored paths, keeping the rest of the path', () => {
    const { stored } = storedJson(RULES)
    const contact = stored.differences.find((d) => d.pattern === 'contacts[*]')!
    expect(contact.path).toMatch(/^contacts\[email=h:[0-9a-f]{16}\]$/)
    expect(contact.kind).toBe('missing')
    expect(contact.legacyValue).toMatchObject({ email: expect.stringMatching(TOKEN), party: 'REP' })
    const phone = stored.differences.find((d) => d.pattern === 'contacts[*].phone')!
    expect(phone.path).toMatch(/^contacts\[email=h:[0-9a-f]{16}\]\.phone$/)
  })

  it('keeps readable what is not personal, with types, and marks hashed values', () => {
    const { stored } = storedJson(RULES)
    const byPath = new Map(stored.differences.map((d) => [d.path, d]))
    const filterName = { kind: 'changed', legacyValue: 'Likely voters', newValue: 'Likely voters 2' }
    expect(byPath.get('filters[0].name')).toMatchObject(filterName)
    expect(byPath.get('filters[0].hasEmail')).toMatchObject({ legacyValue: true, newValue: false })
    expect(byPath.get('user.email')).toMatchObject({ hashed: true, legacyType: 'string', newType: 'string' })
    expect(byPath.get('user.phone')).toMatchObject({ kind: 'type', hashed: true, legacyType: 'string', newType: 'number' })
    expect(byPath.get('user.lastName')).toMatchObject({ kind: 'missing', legacyType: 'string', newType: 'missing' })
    expect(byPath.get('user.lastName')).not.toHaveProperty('newValue')
    expect(byPath.get('user.metaData.dateOfBirth')).toMatchObject({ newValue: null, newType: 'null' })
    expect(byPath.get('voters[0].partyDemocrat')).toMatchObject({ hashed: true, legacyValue: expect.stringMatching(TOKEN) })
    expect(byPath.get('message')!.legacyValue).toMatch(/^Synced h:[0-9a-f]{16}$/)
    const hashed = expect.stringMatching(TOKEN)
    expect(byPath.get('extraUser')!.newValue).toEqual({ email: hashed, name: hashed, note: 'x' })
  })

  it('the same personal value gives the same token on both sides and across differences', () => {
    const { stored } = storedJson(RULES)
    const email = stored.differences.find((d) => d.path === 'user.email')!
    const extra = stored.differences.find((d) => d.path === 'extraUser')!
    expect((extra.newValue as { email: string }).email).toBe(email.legacyValue)
  })

  it('carries outcome, signature, statuses and counts', () => {
    const { c, stored } = storedJson(RULES, [200, 201])
    expect(stored).toMatchObject({
      outcome: 'mismatch',
      signature: c.signature,
      signatureKeys: c.signatureKeys,
      legacyStatus: 200,
      candidateStatus: 201,
      differenceCount: c.differences.length,
      omittedDifferences: 0,
    })
  })

  it('caps the list, unexpected differences first', () => {
    const compiled = compileRules({ expected: [{ path: 'a', reason: 'r' }] })
    const legacy = { status: 200, body: { a: 1, b: 1, c: 1, d: 1 } }
    const c = compare(legacy, { status: 200, body: { a: 2, b: 2, c: 2, d: 2 } }, compiled)
    const stored = storedComparison(c, compiled, { secret: SECRET, maxDifferences: 2 })
    expect(stored.differences.map((d) => d.path)).toEqual(['b', 'c'])
    expect(stored).toMatchObject({ differenceCount: 4, omittedDifferences: 2 })
  })

  it('cuts long strings and reduces large values to their type and size', () => {
    const compiled = compileRules({})
    const long = 'x'.repeat(1_000)
    const big = { items: Array.from({ length: 100 }, (_, i) => i) }
    const c = compare({ status: 200, body: { s: long, o: big } }, { status: 200, body: { s: 'y', o: 1 } }, compiled)
    const stored = storedComparison(c, compiled, { secret: SECRET, maxValueChars: 50 })
    const [s, o] = stored.differences
    expect(s!.legacyValue).toBe(`${'x'.repeat(50)}…(+950 chars)`)
    expect(o!.legacyValue).toEqual({ $omitted: 'object', chars: JSON.stringify(big).length })
  })

  it('scrubs and cuts error messages of failed sides', () => {
    const compiled = compileRules({})
    const message = `duplicate key (email)=(jane@example.org) ${'z'.repeat(600)}`
    const c = compare({ status: 200, body: {} }, { error: { kind: 'threw', message } }, compiled)
    const stored = storedComparison(c, compiled, { secret: SECRET })
    expect(stored.outcome).toBe('new-error')
    expect(stored.error!.message).toMatch(/^duplicate key \(email\)=\(h:[0-9a-f]{16}\) z+…\(\+\d+ chars\)$/)
    expect(JSON.stringify(stored)).not.toContain('jane@example.org')
  })

  it('a JSON dump of the in-memory Comparison carries no values either', () => {
    const { c } = storedJson(RULES)
    const json = JSON.stringify(c)
    for (const raw of PERSONAL) expect(json, raw).not.toContain(raw)
    const masked = { path: 'contacts[email=…].phone', pattern: 'contacts[*].phone', kind: 'changed' }
    expect(JSON.parse(json).differences).toContainEqual(masked)
    // In memory, the raw path and values are there for the caller that needs them.
    expect(c.differences.map((d) => d.path)).toContain('contacts[email=voter1@example.net].phone')
  })
})
