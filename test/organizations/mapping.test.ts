// The one mapping, case by case on the mess real gp-api rows hold: missing keys, nulls, empty strings,
// numbers as strings, "Other" offices, no P2V row, no office chosen, orphans, broken JSON shapes.
import { describe, expect, it } from 'vitest'
import { canonicalLegacy, emptyFields, mapLegacyRows, toLegacyDetails, toLegacyP2vData, type LegacyRows } from '../../src/organizations/index.js'

const at = (iso: string) => new Date(iso)
const T0 = at('2025-01-01T00:00:00.000Z')
const T1 = at('2025-02-01T00:00:00.000Z')
const T2 = at('2025-03-01T00:00:00.000Z')

function campaign(details: unknown, data?: unknown, p2v = data !== undefined): LegacyRows {
  return { campaign: { id: 1, userId: 7, details, updatedAt: T1 }, pathToVictory: p2v ? { data, updatedAt: T2 } : null }
}

describe('mapLegacyRows', () => {
  it('maps a tidy campaign exactly', () => {
    const m = mapLegacyRows(
      campaign(
        { positionId: 123, electionId: 456, raceId: 789, state: 'CA', office: 'City Council', ballotLevel: 'CITY', officeTermLength: '4 years',
          electionDate: '2026-11-03', primaryElectionDate: '2026-06-02', partisanType: 'nonpartisan', filingPeriodsStart: '2026-03-01', filingPeriodsEnd: '2026-03-31',
          pledged: true, customIssues: [{ title: 'Roads' }] },
        { electionType: 'City_Council', electionLocation: 'SALEM CITY COUNCIL DISTRICT 3', districtId: 'd-1', districtManuallySet: false, source: 'ElectionApi', winNumber: 500 },
      ),
    )
    expect(m).toMatchObject({ kind: 'win', ownerId: 7, outcome: 'exact', invalid: [], legacySyncedAt: T2 })
    expect(m.fields).toEqual({
      position_id: '123', election_id: '456', race_id: '789', state: 'CA', office: 'City Council', other_office: null, ballot_level: 'CITY',
      office_term_length: '4 years', election_date: '2026-11-03', primary_election_date: '2026-06-02', partisan_type: 'nonpartisan',
      filing_periods_start: '2026-03-01', filing_periods_end: '2026-03-31', l2_district_type: 'City_Council',
      l2_district_name: 'SALEM CITY COUNCIL DISTRICT 3', district_id: 'd-1', district_manually_set: false, district_source: 'ElectionApi',
    })
  })

  it('missing keys, JSON nulls and blank strings are all "not set" (not invalid)', () => {
    const m = mapLegacyRows(campaign({ positionId: null, electionId: '', raceId: '   ', state: null, office: '' }, { electionType: null, electionLocation: '' }))
    expect(m.fields).toEqual(emptyFields())
    expect(m.invalid).toEqual([])
    expect(m.outcome).toBe('no-data')
  })

  it('ids written as strings or numbers end up the same text', () => {
    expect(mapLegacyRows(campaign({ positionId: '42' })).fields.position_id).toBe('42')
    expect(mapLegacyRows(campaign({ positionId: 42 })).fields.position_id).toBe('42')
    expect(mapLegacyRows(campaign({ positionId: ' 42 ' })).fields.position_id).toBe('42')
    // A fraction or a boolean is no id: stored null and reported.
    const bad = mapLegacyRows(campaign({ positionId: 4.5, raceId: true }))
    expect(bad.fields.position_id).toBeNull()
    expect(bad.invalid).toEqual(['details.positionId', 'details.raceId'])
  })

  it('"Other" keeps otherOffice; any other office drops a stale one (a note, not an error)', () => {
    const other = mapLegacyRows(campaign({ office: 'other', otherOffice: ' Port Commissioner ' }))
    expect(other.fields).toMatchObject({ office: 'Other', other_office: 'Port Commissioner' })
    expect(other.outcome).toBe('position-only')
    const stale = mapLegacyRows(campaign({ office: 'Mayor', otherOffice: 'Port Commissioner' }))
    expect(stale.fields).toMatchObject({ office: 'Mayor', other_office: null })
    expect(stale.invalid).toEqual([])
    expect(stale.notes).toContain('details.otherOffice: ignored, office is not "Other"')
    expect(mapLegacyRows(campaign({ office: 'Other' })).fields.other_office).toBeNull()
  })

  it('states and ballot levels are upper-cased; unknown ones are invalid', () => {
    const m = mapLegacyRows(campaign({ state: 'ny', ballotLevel: 'county' }))
    expect(m.fields).toMatchObject({ state: 'NY', ballot_level: 'COUNTY' })
    expect(m.notes).toEqual(['no path_to_victory row', 'details.state: "ny" → "NY"', 'details.ballotLevel: "county" → "COUNTY"'])
    const bad = mapLegacyRows(campaign({ state: 'New York', ballotLevel: 'MUNICIPAL' }))
    expect(bad.fields).toMatchObject({ state: null, ballot_level: null })
    expect(bad.invalid).toEqual(['details.state', 'details.ballotLevel'])
  })

  it('dates: ISO, ISO with a time, US format; impossible days are invalid', () => {
    const m = mapLegacyRows(campaign({ electionDate: '11/5/2024', primaryElectionDate: '2024-02-29T00:00:00.000Z', filingPeriodsStart: '2023-02-29', filingPeriodsEnd: 'soon' }))
    expect(m.fields).toMatchObject({ election_date: '2024-11-05', primary_election_date: '2024-02-29', filing_periods_start: null, filing_periods_end: null })
    expect(m.invalid).toEqual(['details.filingPeriodsStart', 'details.filingPeriodsEnd'])
  })

  it('districtManuallySet: booleans, and "true"/"false" strings', () => {
    expect(mapLegacyRows(campaign({}, { districtManuallySet: 'true' })).fields.district_manually_set).toBe(true)
    expect(mapLegacyRows(campaign({}, { districtManuallySet: false })).fields.district_manually_set).toBe(false)
    const bad = mapLegacyRows(campaign({}, { districtManuallySet: 'yes' }))
    expect(bad.fields.district_manually_set).toBeNull()
    expect(bad.invalid).toEqual(['pathToVictory.data.districtManuallySet'])
  })

  it('no P2V row: BR only, and the campaign alone dates it', () => {
    const m = mapLegacyRows(campaign({ positionId: 1 }))
    expect(m.outcome).toBe('position-only')
    expect(m.legacySyncedAt).toEqual(T1)
    expect(m.notes).toContain('no path_to_victory row')
  })

  it('a campaign that never chose an office, with a district picked by hand', () => {
    expect(mapLegacyRows(campaign({ pledged: true }, { electionType: 'City', electionLocation: 'SALEM CITY' })).outcome).toBe('district-only')
    expect(mapLegacyRows(campaign({}, { districtId: 'abc' })).outcome).toBe('district-only')
    expect(mapLegacyRows(campaign({}, { electionType: 'City' })).outcome).toBe('no-data')
  })

  it('details double-encoded as a JSON string (an old client bug) is invalid-details', () => {
    const m = mapLegacyRows(campaign(JSON.stringify({ positionId: 5 }), { electionType: 'City', electionLocation: 'X' }))
    expect(m.outcome).toBe('invalid-details')
    expect(m.invalid).toEqual(['details'])
    expect(m.fields.position_id).toBeNull()
    expect(m.fields.l2_district_type).toBe('City')
  })

  it('an elected office mirrors its campaign, owned by the office holder, dated by the newest row', () => {
    const rows: LegacyRows = {
      ...campaign({ positionId: 9 }, { districtId: 'z' }),
      electedOffice: { id: '0190a000-0000-7000-8000-000000000001', userId: 7, campaignId: 1, updatedAt: at('2025-04-01T00:00:00.000Z') },
    }
    const m = mapLegacyRows(rows)
    expect(m).toMatchObject({ kind: 'serve', ownerId: 7, outcome: 'exact', legacySyncedAt: at('2025-04-01T00:00:00.000Z') })
  })

  it('an elected office whose campaign is gone is an orphan with no BR/L2', () => {
    const m = mapLegacyRows({ campaign: null, pathToVictory: null, electedOffice: { id: 'x', userId: 3, campaignId: 99, updatedAt: T0 } })
    expect(m).toMatchObject({ kind: 'serve', ownerId: 3, outcome: 'orphan', fields: emptyFields(), legacySyncedAt: T0 })
  })
})

describe('the inverse (phase 2 reads)', () => {
  it('gives back the legacy JSON shape: numeric ids as numbers, nulls left out', () => {
    const m = mapLegacyRows(campaign({ positionId: '123', electionId: 'br-77', raceId: '007', state: 'ca', electionDate: '11/03/2026' }, { electionType: 'City', districtManuallySet: 'false' }))
    expect(toLegacyDetails(m.fields)).toEqual({ positionId: 123, electionId: 'br-77', raceId: '007', state: 'CA', electionDate: '2026-11-03' })
    expect(toLegacyP2vData(m.fields)).toEqual({ electionType: 'City', districtManuallySet: false })
  })

  it('round-trips tidy rows exactly', () => {
    const details = { positionId: 5, electionId: 6, raceId: 7, state: 'TX', office: 'Other', otherOffice: 'Port Commissioner', ballotLevel: 'LOCAL', electionDate: '2026-11-03' }
    const data = { electionType: 'Port', electionLocation: 'HOUSTON PORT', districtId: 'abc', districtManuallySet: true, source: 'Manual' }
    expect(canonicalLegacy(details, data)).toEqual({ details, data })
  })
})
