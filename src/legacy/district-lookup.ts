// The stand-in for gp-api's district lookup (BallotReady position → L2 district → vote goals): a pure,
// deterministic rule over the campaign's BR details, so that two runs, or two replicas, agree exactly.
import { createHash } from 'node:crypto'
import { BALLOT_LEVELS } from '../domain/index.js'

export type RaceTarget = {
  districtId: string
  electionType: string
  electionLocation: string
  districtManuallySet: false
  projectedTurnout: number
  winNumber: number
  voterContactGoal: number
}

export type LookupResult = { ok: true; target: RaceTarget } | { ok: false; message: string }

// Typical turnout per district type; the district's hash scales it between 0.5× and 1.5×.
const BASE_TURNOUT: Record<string, number> = {
  US_Congressional_District: 250_000,
  State: 1_500_000,
  State_Senate_District: 90_000,
  State_House_District: 35_000,
  County: 60_000,
  City: 15_000,
  Township: 3_500,
  Region: 40_000,
  School_District: 8_000,
  Town_District: 5_000,
}

/**
 * Looks the race up from `campaign.details`.
 * - office: `otherOffice` when `office` is 'Other', else `office` (strings trimmed, numbers as text);
 *   none → not ok ("no office selected"). `state` (upper-cased) is required too.
 * - electionType (L2 district type) from `ballotLevel` (unknown or missing → LOCAL) and the office name:
 *   FEDERAL: Senate → State, else US_Congressional_District; STATE: Senate → State_Senate_District,
 *   House/Assembly/Representative/Delegate → State_House_District, else State; COUNTY → County;
 *   CITY → City; TOWNSHIP → Township; REGIONAL → Region; LOCAL: School → School_District, else Town_District.
 * - electionLocation (L2 district name): the state for `State`, else `<STATE> <OFFICE NAME>` upper-cased.
 * - districtId: sha256 of `<type>|<location>` shaped as a UUID (version 8, "custom").
 * - projectedTurnout: BASE_TURNOUT[type] × (0.5 + hash bytes 16–17 / 65535), rounded;
 *   winNumber = ceil(turnout × 0.51); voterContactGoal = winNumber × 5.
 * @example lookupRaceTarget({ state: 'ca', ballotLevel: 'CITY', office: 'City Council' })
 */
export function lookupRaceTarget(details: unknown): LookupResult {
  const d = (typeof details === 'object' && details !== null && !Array.isArray(details) ? details : {}) as Record<string, unknown>
  const office = text(d.office)
  const officeName = office === 'Other' ? text(d.otherOffice) : office
  if (!officeName) return { ok: false, message: 'Campaign has no office selected' }
  const state = text(d.state).toUpperCase()
  if (!state) return { ok: false, message: 'Campaign has no state selected' }
  const level = text(d.ballotLevel).toUpperCase()
  const electionType = districtType((BALLOT_LEVELS as readonly string[]).includes(level) ? level : 'LOCAL', officeName)
  const electionLocation = electionType === 'State' ? state : `${state} ${officeName}`.toUpperCase()
  const hash = createHash('sha256').update(`${electionType}|${electionLocation}`).digest()
  const projectedTurnout = Math.round(BASE_TURNOUT[electionType]! * (0.5 + hash.readUInt16BE(16) / 65535))
  const winNumber = Math.ceil(projectedTurnout * 0.51)
  return {
    ok: true,
    target: {
      districtId: uuidFromHash(hash),
      electionType,
      electionLocation,
      districtManuallySet: false,
      projectedTurnout,
      winNumber,
      voterContactGoal: winNumber * 5,
    },
  }
}

function districtType(level: string, office: string): string {
  switch (level) {
    case 'FEDERAL':
      return /senat/i.test(office) ? 'State' : 'US_Congressional_District'
    case 'STATE':
      if (/senat/i.test(office)) return 'State_Senate_District'
      return /house|assembly|representative|delegate/i.test(office) ? 'State_House_District' : 'State'
    case 'COUNTY':
      return 'County'
    case 'CITY':
      return 'City'
    case 'TOWNSHIP':
      return 'Township'
    case 'REGIONAL':
      return 'Region'
    default:
      return /school/i.test(office) ? 'School_District' : 'Town_District'
  }
}

// Real rows hold numbers as strings and strings as numbers; both read as trimmed text, the rest as none.
function text(v: unknown): string {
  if (typeof v === 'string') return v.trim().replace(/\s+/g, ' ')
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return ''
}

function uuidFromHash(hash: Buffer): string {
  const b = Buffer.from(hash.subarray(0, 16))
  b[6] = (b[6]! & 0x0f) | 0x80
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
