// THE ROUTE TABLE: every legacy route that moves onto Organization, the flag that moves it, and how.
// Read it top to bottom as the plan: phase 1 dual-writes, phase 2 reads and segments, phase 3 writes.
// A route not listed here passes through to the legacy API untouched.
import type { Sql } from 'postgres'
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
  void deps
  return [
    // ── Phase 1: Organization exists for everyone; writes keep it in step (flag org.dual-write) ──
    // (entries added with phase 1)

    // ── Phase 2: reads, the product switcher and segments move onto Organization ──
    // (entries added with phase 2)

    // ── Phase 3: the proxy answers the organization-owned writes itself ──
    // (entries added with phase 3)
  ]
}
