// THE ROUTE TABLE: every legacy route that moves onto Organization, the flag that moves it, and how.
// Read it top to bottom as the plan: phase 1 dual-writes, phase 2 reads and segments, phase 3 writes.
// A route not listed here passes through to the legacy API untouched.
import type { Sql } from 'postgres'
import { PHASE1_ROUTES, phase1DualWrite } from '../organizations/dual-writes.js'
import { campaignMineRoute, campaignMineRules, currentOfficeRoute, currentOfficeRules } from '../reads/index.js'
import { newCampaignRoute } from '../new-campaign/index.js'
import { PHASE3_MOVE_ROUTES, phase3Move, restoreLookupKeys } from '../org-writes/index.js'
import { organizationRoute, organizationsListRoute } from '../switcher/index.js'
import { filterCreateRoute, filterDeleteRoute, filterUpdateRoute, officeCreateRoute } from '../writes/index.js'
import { assignCreatedFilter, filterListRoute, filterListRules, filterRoute, filterRules, VOTER_FILTER_CREATE } from '../voter-filters/index.js'
import type { RouteEntry } from './types.js'

export type { RouteEntry, FlagName, Stage, RouteKind } from './types.js'

/** What the organization-backed handlers and dual writes are built with. */
export type RouteDeps = {
  sql: Sql
  /** The legacy API's JWT secret: the handlers verify the caller themselves. */
  authSecret: string
}

/** @example const routes = routeTable({ sql, authSecret }) */
export function routeTable(deps: RouteDeps): RouteEntry[] {
  return [
    // ── Phase 1: Organization exists for everyone; writes keep it in step (flag org.dual-write) ──
    // After legacy answers 2xx, the organization is synced from the rows legacy just wrote (one
    // transaction); a failure goes to the outbox and the client still gets legacy's answer.
    {
      id: PHASE1_ROUTES.electedOfficeCreate, phase: 1, method: 'POST', path: '/v1/elected-office', flag: 'org.dual-write', kind: 'dual-write',
      summary: '"I won": the new office gets its own serve organization, with the campaign\'s position and district',
      dualWrite: phase1DualWrite(PHASE1_ROUTES.electedOfficeCreate), fallback: false,
    },
    {
      id: PHASE1_ROUTES.campaignCreate, phase: 1, method: 'POST', path: '/v1/campaigns', flag: 'org.dual-write', kind: 'dual-write',
      summary: 'a new campaign gets its win organization at once, so every new user has one',
      dualWrite: phase1DualWrite(PHASE1_ROUTES.campaignCreate), fallback: false,
    },
    {
      id: PHASE1_ROUTES.campaignUpdate, phase: 1, method: 'PUT', path: '/v1/campaigns/mine', flag: 'org.dual-write', kind: 'dual-write',
      summary: 'office selection (admin/sales by slug) also updates the organization\'s BallotReady fields',
      dualWrite: phase1DualWrite(PHASE1_ROUTES.campaignUpdate), fallback: false,
    },
    {
      id: PHASE1_ROUTES.raceTargetDetails, phase: 1, method: 'PUT', path: '/v1/campaigns/mine/race-target-details', flag: 'org.dual-write', kind: 'dual-write',
      summary: 'the district found for the race also lands on the organization\'s L2 fields',
      dualWrite: phase1DualWrite(PHASE1_ROUTES.raceTargetDetails), fallback: false,
    },
    {
      id: PHASE1_ROUTES.district, phase: 1, method: 'PUT', path: '/v1/campaigns/mine/district', flag: 'org.dual-write', kind: 'dual-write',
      summary: 'the in-product and admin district pickers also update the organization\'s L2 fields',
      dualWrite: phase1DualWrite(PHASE1_ROUTES.district), fallback: false,
    },

    // ── Phase 2: reads, the product switcher and segments move onto Organization ──
    // Each handler verifies the caller's JWT and loads the organization only with its owner check
    // (src/org-context); X-Organization-Id picks one of the caller's organizations, else their default.
    {
      id: 'organizations.list', phase: 2, method: 'GET', path: '/v1/organizations', flag: 'org.switcher', kind: 'new',
      summary: 'the product switcher lists the user\'s organizations (win: campaigns, serve: offices), the default first',
      ...organizationsListRoute(deps), fallback: false,
    },
    {
      id: 'organizations.get', phase: 2, method: 'GET', path: '/v1/organizations/:id', flag: 'org.switcher', kind: 'new',
      summary: 'one of the user\'s organizations (404 for anyone else\'s)',
      ...organizationRoute(deps), fallback: false,
    },
    {
      id: 'campaigns.mine.read', phase: 2, method: 'GET', path: '/v1/campaigns/mine', flag: 'org.reads', kind: 'read',
      summary: 'the campaign page reads its office (BallotReady) and district (L2) from the campaign\'s organization',
      ...campaignMineRoute(deps), compare: campaignMineRules(), fallback: true,
    },
    {
      id: 'elected-office.current', phase: 2, method: 'GET', path: '/v1/elected-office/current', flag: 'org.reads', kind: 'read',
      summary: 'the current office is found through the user\'s serve organization',
      ...currentOfficeRoute(deps), compare: currentOfficeRules(), fallback: true,
    },
    {
      id: 'voter-filters.list', phase: 2, method: 'GET', path: '/v1/voters/voter-file/filters', flag: 'org.voter-filters', kind: 'read',
      summary: 'segments listed per organization: serve sees all without party fields, win must be pro',
      ...filterListRoute(deps), compare: filterListRules(), fallback: true,
    },
    {
      id: 'voter-filters.get', phase: 2, method: 'GET', path: '/v1/voters/voter-file/filter/:id', flag: 'org.voter-filters', kind: 'read',
      summary: 'one segment, by organization, with the same access rules',
      ...filterRoute(deps), compare: filterRules(), fallback: true,
    },
    {
      id: VOTER_FILTER_CREATE, phase: 2, method: 'POST', path: '/v1/voters/voter-file/filter', flag: 'org.voter-filters', kind: 'dual-write',
      summary: 'a new segment is linked to the organization the user is in (X-Organization-Id, else their default)',
      dualWrite: assignCreatedFilter, fallback: false,
    },

    // ── Phase 3: the proxy answers the organization-owned writes itself, and the New Campaign flow ──
    // Listed again under the phase 1/2 entries of the same method and path: with org.writes off those
    // layers run as before; in shadow legacy writes (with the dual write below) and the new handler runs
    // in a rolled-back transaction; live, the new handler writes in one transaction (it threw → nothing
    // committed, so legacy may answer instead).
    {
      id: 'elected-office.create.org', phase: 3, method: 'POST', path: '/v1/elected-office', flag: 'org.writes', kind: 'write',
      summary: '"I won" answered by the proxy: the office and its serve organization in one transaction, no campaign_id',
      ...officeCreateRoute(deps), fallback: true,
    },
    {
      id: 'voter-filters.create.org', phase: 3, method: 'POST', path: '/v1/voters/voter-file/filter', flag: 'org.writes', kind: 'write',
      summary: 'a new segment is written to the organization (serve always, win only when pro; serve never sets party fields)',
      ...filterCreateRoute(deps), fallback: true,
    },
    {
      id: 'voter-filters.update', phase: 3, method: 'PUT', path: '/v1/voters/voter-file/filter/:id', flag: 'org.writes', kind: 'write',
      summary: 'a segment is edited by organization, with the same access rules as its reads',
      ...filterUpdateRoute(deps), fallback: true,
    },
    {
      id: 'voter-filters.delete', phase: 3, method: 'DELETE', path: '/v1/voters/voter-file/filter/:id', flag: 'org.writes', kind: 'write',
      summary: 'a segment is deleted by organization, with the same access rules as its reads',
      ...filterDeleteRoute(deps), fallback: true,
    },
    // Office and district selection keep going through legacy (issues, pledges and vote goals stay gp-api's),
    // but the BR/L2 keys the write leaves in campaign.details and path_to_victory.data are then moved onto
    // the organization in one transaction (a key the row does not hold leaves its field alone), and, once
    // remove-br-l2 has run, out of the rows into its archive. Live only: in shadow the phase 1 copy below runs.
    // Each answers legacy's JSON with the organization's values laid over it, as GET /v1/campaigns/mine
    // reads them (after the removal legacy's rows hold only what the write itself wrote).
    {
      id: PHASE3_MOVE_ROUTES.campaignCreate, phase: 3, method: 'POST', path: '/v1/campaigns', flag: 'org.writes', kind: 'dual-write', liveOnly: true,
      summary: 'a new campaign\'s office fields (if the sign-up sends any) are written to its organization only',
      dualWrite: phase3Move(PHASE3_MOVE_ROUTES.campaignCreate), fallback: false,
    },
    {
      id: PHASE3_MOVE_ROUTES.campaignUpdate, phase: 3, method: 'PUT', path: '/v1/campaigns/mine', flag: 'org.writes', kind: 'dual-write', liveOnly: true,
      summary: 'the office picker (admin/sales by slug) writes the BallotReady fields to the organization only; the other campaign fields stay as they are',
      dualWrite: phase3Move(PHASE3_MOVE_ROUTES.campaignUpdate), fallback: false,
    },
    {
      id: PHASE3_MOVE_ROUTES.raceTargetDetails, phase: 3, method: 'PUT', path: '/v1/campaigns/mine/race-target-details', flag: 'org.writes', kind: 'dual-write', liveOnly: true,
      summary: 'the district found for the race is written to the organization only; vote goals stay on the path to victory',
      // gp-api's lookup reads the office from campaign.details, which remove-br-l2 emptied: the organization's
      // BR keys are put back for this write first, and the move takes them out again.
      prepare: restoreLookupKeys, dualWrite: phase3Move(PHASE3_MOVE_ROUTES.raceTargetDetails), fallback: false,
    },
    {
      id: PHASE3_MOVE_ROUTES.district, phase: 3, method: 'PUT', path: '/v1/campaigns/mine/district', flag: 'org.writes', kind: 'dual-write', liveOnly: true,
      summary: 'the in-product and admin district pickers write the L2 district to the organization only',
      dualWrite: phase3Move(PHASE3_MOVE_ROUTES.district), fallback: false,
    },
    {
      id: 'organizations.create', phase: 3, method: 'POST', path: '/v1/organizations', flag: 'org.new-campaign', kind: 'new',
      summary: 'a user who serves (or served) starts a new campaign: a new win organization and its campaign, once per Idempotency-Key',
      ...newCampaignRoute(deps), fallback: false,
    },
  ]
}
