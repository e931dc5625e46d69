// Organization context for the handlers the proxy answers itself: who calls (JWT), which of their
// organizations the request acts on (X-Organization-Id or a path id, owner-checked, else their default),
// and the problem+json refusals that go with it.
export { useOrganization, authenticate, type OrganizationEnv, type OrganizationVariables, type UseOrganizationOptions, type UserEnv, type UserVariables } from './middleware.js'
export { resolveOrganization, type CallerUser, type Db, type Include, type IncludeRequest, type Organization, type OrganizationKind, type ResolveInput, type Resolution } from './resolve.js'
export { callerId, requestedOrganization } from './caller.js'
export { refuse, RefusalError, PRO_REQUIRED_TYPE, PROBLEM_MEMBERS_EXPECTED, type Refusal } from './problems.js'
