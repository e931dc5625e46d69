// The seam between the flag source and where its flags come from (an Unleash server, or flags/ read locally).
import type { FeatureInterface } from 'unleash-client/lib/feature.js'
import type { FlagSourceKind } from './health.js'
import type { Evaluator } from './stage.js'

export interface Backend {
  kind: FlagSourceKind
  ready: Promise<void>
  /** What evaluates right now; swapped whole, so a request never sees half of an update. */
  evaluator(): Evaluator
  features(): FeatureInterface[]
  version(): string | null
  /** Where the flags in use came from: an Unleash source serves flags/ until its server first answers. */
  serving(): 'unleash' | 'files' | 'none'
  refresh(): Promise<void>
  close(): Promise<void>
}
