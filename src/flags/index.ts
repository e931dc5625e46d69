// Flags: which stage each migrated route is in (from Unleash or from flags/), the flag file format, and push/diff
// against Unleash's admin API for `npm run flags`.
export { createFlagSource, flagSourceOptions } from './source.js'
export type { FlagSource, FlagSourceOptions, FlagSourceStatus } from './source.js'
export { stageOf, toUnleashContext } from './stage.js'
export type { FlagContext, Stage } from './stage.js'
export type { FlagEvent, FlagLogger } from './health.js'
export type { FlagSummary } from './summary.js'
export {
  FLAG,
  FlagFileError,
  STICKINESS_FIELD,
  loadFlagDir,
  parseFlagFile,
  toClientFeatures,
} from './definition.js'
export type { FlagDefinition, FlagName, FlagSet, FlagStrategy } from './definition.js'
export { AdminApiError, defaultPrefix, diffFlags, pushFlags } from './admin.js'
export type { AdminTarget, FlagDiff, PushResult } from './admin.js'
