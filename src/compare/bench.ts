// Micro-benchmark of compare() on a typical pair (a ~2 KB campaign answer, rules like a real
// route's), for the project's `npm run bench` to print next to its other numbers.
import { compare } from './compare.js'
import { compileRules, type CompiledRules } from './compile.js'
import type { CompareRulesInput } from './rules.js'
import type { Side } from './types.js'

/** Rules shaped like `GET /v1/campaigns/mine`'s. */
export const TYPICAL_RULES: CompareRulesInput = {
  ignore: ['**.updatedAt', '**.createdAt'],
  arraysAsSets: [{ path: 'filters', key: 'id' }],
  nullEqualsMissing: true,
  numberTolerance: [{ path: 'pathToVictory.data.winNumber', rel: 0.01 }],
  numericStrings: ['details.officeTermLength'],
  dates: ['details.electionDate', 'details.primaryElectionDate', 'details.filingPeriodsStart', 'details.filingPeriodsEnd'],
  expected: [{ path: 'details.ballotLevel', kind: 'changed', reason: 'Organization stores the level upper-case' }],
  sensitive: ['user'],
}

/** A legacy answer and the new handler's, equal under TYPICAL_RULES except one expected change. */
export function typicalPair(): { legacy: Side; candidate: Side } {
  const legacy = { status: 200, body: campaign(false) }
  const candidate = { status: 200, body: campaign(true) }
  return { legacy, candidate }
}

function campaign(fromOrganization: boolean) {
  const filters = [1, 2, 3, 4].map((id) => ({
    id,
    name: `Segment ${id}`,
    audienceSuperVoters: id === 1,
    audienceLikelyVoters: null,
    partyIndependent: id === 2 ? true : null,
    age18_25: true,
    languageCodes: ['en', 'es'],
    voterCount: 1200 * id,
    createdAt: fromOrganization ? '2024-01-02T03:04:05.000Z' : '2024-01-02T03:04:05Z',
  }))
  return {
    id: 41,
    slug: 'jane-doe-for-mayor',
    isActive: true,
    isPro: false,
    tier: 'TOSSUP',
    details: {
      positionId: 'pos-1234',
      electionId: 'el-9',
      raceId: 'race-77',
      state: 'CA',
      office: 'Mayor',
      ballotLevel: fromOrganization ? 'CITY' : 'city',
      officeTermLength: fromOrganization ? 4 : '4',
      electionDate: fromOrganization ? '2024-11-05T00:00:00.000Z' : '2024-11-05',
      primaryElectionDate: '2024-03-05',
      partisanType: 'nonpartisan',
      filingPeriodsStart: '2024-01-01',
      filingPeriodsEnd: '2024-02-01',
      pledged: true,
      issues: ['Housing', 'Public safety', 'Parks and recreation', 'Local business'],
      website: 'https://janedoeformayor.example.org',
      runningAgainst: [{ name: 'John Smith', party: 'Independent' }],
      subscriptionId: 'sub_1NfX2bQ3',
      ...(fromOrganization ? {} : { otherOffice: null }),
    },
    user: { id: 7, firstName: 'Jane', lastName: 'Doe', email: 'jane@example.org', name: 'Jane Doe' },
    pathToVictory: {
      id: 5,
      data: {
        electionType: 'City',
        electionLocation: 'San Mateo',
        districtId: 'd-1',
        winNumber: fromOrganization ? 5101 : 5100,
        voterContactGoal: 25000,
      },
      updatedAt: fromOrganization ? '2024-05-01' : '2024-04-30',
    },
    filters: fromOrganization ? filters.slice().reverse() : filters,
    updatedAt: '2024-05-01T00:00:00Z',
  }
}

/**
 * Microseconds per comparison of the typical pair: the median of several timed rounds after a
 * warm-up, so the JIT has settled and one preempted round does not skew the figure. The default
 * clock is the process's CPU time: on a shared box wall time also counts other processes' turns.
 * @example console.log(`compare: ${benchCompare().toFixed(1)} µs`)
 */
export function benchCompare(options: { iterations?: number; rules?: CompiledRules; clock?: 'cpu' | 'wall' } = {}): number {
  const iterations = Math.max(options.iterations ?? 20_000, 10)
  const rules = options.rules ?? compileRules(TYPICAL_RULES)
  const now = options.clock === 'wall' ? wallUs : cpuUs
  const { legacy, candidate } = typicalPair()
  const rounds = 10
  const perRound = Math.ceil(iterations / rounds)
  let sink = 0
  for (let i = 0; i < Math.min(2_000, iterations); i++) sink += compare(legacy, candidate, rules).differences.length
  const times: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = now()
    for (let i = 0; i < perRound; i++) sink += compare(legacy, candidate, rules).differences.length
    times.push((now() - start) / perRound)
  }
  if (sink < 0) throw new Error('unreachable: keeps the loop from being optimised away')
  return times.sort((x, y) => x - y)[rounds >> 1]!
}

function cpuUs(): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

function wallUs(): number {
  return Number(process.hrtime.bigint()) / 1_000
}
