// The answer of a moved write, without a database: legacy's JSON with the organization's values laid over
// it as the read lays them, only when it is the campaign object the route answers, and left alone (no
// answer) when laying them over changes nothing.
import { describe, expect, it } from 'vitest'
import { answerWithOrganization } from '../../src/org-writes/index.js'
import { emptyFields, type OrganizationFields } from '../../src/organizations/index.js'

const fields: OrganizationFields = { ...emptyFields(), position_id: '42', state: 'OR', office: 'Mayor', l2_district_type: 'City', l2_district_name: 'SALEM CITY' }
const moved = { campaignId: 7, fields }
const p2v = { id: 3, campaignId: 7, data: { winNumber: 10 }, createdAt: 'c', updatedAt: 'u' }
const legacy = { id: 7, slug: 's', details: { pledged: true, positionId: 41 }, userId: 9, pathToVictory: p2v }

describe('answerWithOrganization', () => {
  it('lays BR keys over details and L2 keys over pathToVictory.data, keeping legacy’s key order', () => {
    const out = answerWithOrganization(legacy, moved, 'campaign-with-p2v') as any
    expect(Object.keys(out)).toEqual(Object.keys(legacy))
    expect(out.details).toEqual({ pledged: true, positionId: 42, state: 'OR', office: 'Mayor' })
    expect(out.pathToVictory).toEqual({ ...p2v, data: { winNumber: 10, electionType: 'City', electionLocation: 'SALEM CITY' } })
  })

  it('a create answers no relations: details only', () => {
    const { pathToVictory, ...created } = legacy
    const out = answerWithOrganization(created, moved, 'campaign') as any
    expect(out).not.toHaveProperty('pathToVictory')
    expect(out.details.positionId).toBe(42)
  })

  it('a campaign without a path to victory keeps pathToVictory null', () => {
    expect((answerWithOrganization({ ...legacy, pathToVictory: null }, moved, 'campaign-with-p2v') as any).pathToVictory).toBeNull()
  })

  it('no answer when legacy’s is not the expected campaign object, or names another campaign', () => {
    for (const json of [null, 'text', [legacy], { ...legacy, id: 8 }, { id: 7 }, { ...legacy, pathToVictory: [] }, { ...legacy, pathToVictory: { id: 3 } }, { id: 7, details: {} }]) {
      expect(answerWithOrganization(json, moved, 'campaign-with-p2v'), JSON.stringify(json)).toBeUndefined()
    }
  })

  it('no answer when nothing changes (legacy’s bytes stand), also for a details that is not an object', () => {
    // Keys in jsonb's order, as PostgreSQL prints legacy's rows.
    const inSync = { ...legacy, details: { state: 'OR', office: 'Mayor', pledged: true, positionId: 42 }, pathToVictory: { ...p2v, data: { winNumber: 10, electionType: 'City', electionLocation: 'SALEM CITY' } } }
    expect(answerWithOrganization(inSync, moved, 'campaign-with-p2v')).toBeUndefined()
    expect(answerWithOrganization({ id: 7, details: '{"state":"or"}' }, moved, 'campaign')).toBeUndefined()
  })
})
