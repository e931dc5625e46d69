// The two questions request routing asks of the organization table (engine/routing-context.ts):
// the caller's default organization, and whether they own a given one. Ownership is the
// organization's owner_id, which the mapping keeps equal to the legacy row's user.
import type { Sql } from '../db/index.js'
import type { OrganizationDirectory } from '../engine/routing-context.js'

/**
 * Default: the organization of the user's campaign, else of their active elected office (newest).
 * @example const routing = createRoutingContext({ secret, directory: createOrganizationDirectory(sql) })
 */
export function createOrganizationDirectory(sql: Sql): OrganizationDirectory {
  return {
    async defaultOrganizationId(userId) {
      if (!Number.isInteger(userId) || userId < 1 || userId > 2147483647) return null
      const [row] = await sql<{ id: string | null }[]>`
        SELECT coalesce(
          (SELECT c.organization_id FROM campaign c
            WHERE c.user_id = ${userId} AND c.organization_id IS NOT NULL
            ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
          (SELECT e.organization_id FROM elected_office e
            WHERE e.user_id = ${userId} AND e."isActive" AND e.organization_id IS NOT NULL
            ORDER BY e.created_at DESC, e.id DESC LIMIT 1)
        )::text AS id`
      return row?.id ?? null
    },
    async owns(userId, organizationId) {
      if (!Number.isInteger(userId) || userId < 1 || userId > 2147483647) return false
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(organizationId)) return false
      const [row] = await sql<{ owns: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM organization WHERE id = ${organizationId}::uuid AND owner_id = ${userId}) AS owns`
      return row?.owns ?? false
    },
  }
}
