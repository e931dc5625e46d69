// Redaction: personal values are hashed (by route rule and by built-in key names), e-mails in free
// text too; what is not personal stays readable; equal values hash equal, under one secret only.
import { describe, expect, it } from 'vitest'
import { compileRules, createHasher, hashValue, isDefaultSensitiveKey, redact } from '../../src/compare/index.js'

const SECRET = 'test-secret-0123456789'
const hash = createHasher(SECRET)
const TOKEN = /^h:[0-9a-f]{16}$/

describe('createHasher / hashValue', () => {
  it('gives short keyed tokens: equal in, equal out; another secret, another token', () => {
    expect(hash('"jane@example.org"')).toMatch(TOKEN)
    expect(hash('x')).toBe(createHasher(SECRET)('x'))
    expect(createHasher('another-secret-0123456789')('x')).not.toBe(hash('x'))
  })

  it('refuses a short secret', () => {
    expect(() => createHasher('short')).toThrow(/at least 16/)
  })

  it('hashes the JSON text, so 12 and "12" stay different', () => {
    expect(hashValue(12, 'rule', hash)).not.toBe(hashValue('12', 'rule', hash))
    expect(hashValue({ b: 1, a: 2 }, 'rule', hash)).toBe(hashValue({ a: 2, b: 1 }, 'rule', hash))
  })

  it('keeps null and empty strings; booleans only under built-in names', () => {
    expect(hashValue(null, 'rule', hash)).toBeNull()
    expect(hashValue('', 'default', hash)).toBe('')
    expect(hashValue(true, 'default', hash)).toBe(true)
    expect(hashValue(true, 'rule', hash)).toMatch(TOKEN)
  })
})

describe('isDefaultSensitiveKey', () => {
  it.each([
    ...['email', 'emailAddress', 'phone', 'cellPhone', 'firstName', 'last_name', 'street', 'zip', 'zipCode', 'postalCode'],
    ...['Voters_FirstName', 'VoterTelephones_CellPhoneFormatted', 'Residence_Addresses_AddressLine', 'LALVOTERID'],
    ...['dateOfBirth', 'dob', 'birthDate', 'ssn', 'password', 'accessToken'],
  ])(
    '%s is personal',
    (k) => expect(isDefaultSensitiveKey(k)).toBe(true),
  )
  it.each([
    ...['name', 'id', 'state', 'city', 'office', 'positionId', 'electionLocation', 'ballotLevel'],
    ...['voterCount', 'classname', 'partyDemocrat'],
  ])(
    '%s is not personal by its name alone',
    (k) => expect(isDefaultSensitiveKey(k)).toBe(false),
  )
})

describe('redact', () => {
  const rules = compileRules({ sensitive: ['voters', 'details.runningAgainst[*].name'] })

  it('hashes built-in personal keys at any depth and leaves the rest readable', () => {
    const out = redact(
      {
        user: {
          id: 7,
          email: 'jane@example.org',
          firstName: 'Jane',
          roles: ['candidate'],
          meta: { address: { street: '1 Main St', city: 'Springfield' } },
        },
        details: { office: 'Mayor', state: 'CA' },
      },
      rules,
      SECRET,
    ) as any
    expect(out.user.id).toBe(7)
    expect(out.user.email).toMatch(TOKEN)
    expect(out.user.firstName).toMatch(TOKEN)
    expect(out.user.roles).toEqual(['candidate'])
    expect(out.user.meta.address).toMatch(TOKEN)
    expect(out.details).toEqual({ office: 'Mayor', state: 'CA' })
  })

  it('hashes `name` on a person record, keeps it on a filter or a position', () => {
    const out = redact(
      {
        user: { name: 'Jane Doe', email: 'jane@example.org' },
        filters: [{ id: 1, name: 'Likely voters', hasEmail: true, hasCellPhone: false }],
        position: { name: 'Mayor', level: 'CITY' },
      },
      rules,
      SECRET,
    ) as any
    expect(out.user.name).toMatch(TOKEN)
    expect(out.filters[0]).toEqual({ id: 1, name: 'Likely voters', hasEmail: true, hasCellPhone: false })
    expect(out.position.name).toBe('Mayor')
  })

  it('hashes everything under a rule path, booleans included, keeping null', () => {
    const body = {
      voters: [{ id: 1, partyDemocrat: true, age: 40, note: null }],
      details: { runningAgainst: [{ name: 'John Smith', party: 'I' }] },
    }
    const out = redact(body, rules, SECRET) as any
    expect(out.voters).toMatch(TOKEN)
    expect(out.details.runningAgainst[0].name).toMatch(TOKEN)
    expect(out.details.runningAgainst[0].party).toBe('I')
  })

  it('hashes e-mail addresses inside free text and keys', () => {
    const body = { message: 'No campaign for jane.doe+gp@example.co.uk, sorry', lookup: { 'jane@example.org': 1 } }
    const out = redact(body, rules, SECRET) as any
    expect(out.message).toMatch(/^No campaign for h:[0-9a-f]{16}, sorry$/)
    expect(Object.keys(out.lookup)[0]).toMatch(TOKEN)
  })

  it('equal values redact to equal tokens, so a stored body still shows what changed', () => {
    const a = redact({ user: { email: 'jane@example.org' } }, rules, SECRET) as any
    const b = redact({ user: { email: 'jane@example.org' } }, rules, hash) as any
    const c = redact({ user: { email: 'john@example.org' } }, rules, SECRET) as any
    expect(a.user.email).toBe(b.user.email)
    expect(a.user.email).not.toBe(c.user.email)
  })

  it('follows set-array keys in rules', () => {
    const setRules = compileRules({ arraysAsSets: [{ path: 'orgs', key: 'id' }], sensitive: ['orgs[id=o2].owner'] })
    const out = redact({ orgs: [{ id: 'o1', owner: 'a' }, { id: 'o2', owner: 'b' }] }, setRules, SECRET) as any
    expect(out.orgs[0].owner).toBe('a')
    expect(out.orgs[1].owner).toMatch(TOKEN)
  })

  it('refuses input that is not JSON', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => redact(cyclic, rules, SECRET)).toThrow(/value is not JSON.*cyclic/)
  })
})
