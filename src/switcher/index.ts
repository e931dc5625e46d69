// The product switcher's API (flag org.switcher): the caller's organizations and one of them by id.
export { listOrganizations, organizationRoute, organizationsListRoute } from './organizations.js'
export { summarize, displayName, officeName, type OrganizationSummary } from './present.js'
