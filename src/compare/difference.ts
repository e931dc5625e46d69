// One difference between the two sides, with its raw values for in-process use only.
import { formatPath } from './path.js'
import { scrubEmails } from './sensitive.js'
import type { DiffKind, Segments, Sensitivity } from './types.js'

/**
 * One difference. It holds both raw values for in-process use, but serialises without them
 * (`toJSON`), so a Difference written to a log or a table by mistake carries no personal data:
 * only `storedComparison()` produces the storable, redacted form.
 */
export class Difference {
  expected?: true
  reason?: string
  constructor(
    /** Concrete path: `details.positionId`, `items[3].name`, `filters[id=12].name`, `$status`. */
    readonly path: string,
    /** The path with indices and set keys as `[*]`: what groups and rules are written against. */
    readonly pattern: string,
    readonly kind: DiffKind,
    /** Raw legacy value (undefined when missing on that side). Never stored as is. */
    readonly legacy: unknown,
    /** Raw new-handler value (undefined when missing on that side). Never stored as is. */
    readonly candidate: unknown,
    /** Whether the values are personal data, and by which rule. */
    readonly sensitive: Sensitivity,
    /** The concrete path as segments, for redaction of the stored path. */
    readonly segments: Segments | undefined,
  ) {}

  /** What a log or a careless JSON.stringify gets: no values, personal set keys and e-mails masked. */
  toJSON(): { path: string; pattern: string; kind: DiffKind; expected?: true; reason?: string } {
    const { pattern, kind, expected, reason } = this
    const path = this.segments ? maskedPath(this.segments) : this.path
    return expected ? { path, pattern, kind, expected, reason } : { path, pattern, kind }
  }
}

function maskedPath(segs: Segments): string {
  const setKey = (i: number) => {
    const seg = String(segs.vals[i])
    return segs.redactKey[i] ? `${seg.slice(0, seg.indexOf('='))}=…` : seg
  }
  return scrubEmails(formatPath(segs, false, setKey), () => '…@…')
}
