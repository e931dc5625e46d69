// The admin side of flags/: diff and push against an Unleash server (used by `npm run flags`).
export { AdminApiError, type AdminTarget, type FlagDiff } from './admin-api.js'
export { defaultPrefix, diffFlags } from './admin-diff.js'
export { pushFlags, type PushResult } from './admin-push.js'
