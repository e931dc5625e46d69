// The bench's sections, in run order. Adding one: a module exporting a Section, and one entry here.
import type { Section } from '../types.js'
import { backfill } from './backfill.js'
import { engine } from './engine.js'
import { passthrough } from './passthrough.js'
import { phase2 } from './phase2.js'
import { phase3 } from './phase3.js'

export const SECTIONS: readonly Section[] = [
  passthrough,
  engine,
  phase2,
  phase3,
  backfill,
  // engine (issue #3), phase2 (issue #5), phase3: byDefault true; backfill (issue #4): byDefault false.
]
