// UUID v7 (RFC 9562) for elected_office ids, as gp-api generates them: time-ordered, so new rows land
// at the end of the primary key index.
import { randomBytes } from 'node:crypto'

/**
 * 48 bits of Unix milliseconds, version 7, 12 + 62 random bits with the RFC variant.
 * @example uuidv7() // '0190f5c2-7d3a-7b1e-9c4f-2a6b8d0e1f23'
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes(16)
  b.writeUIntBE(nowMs, 0, 6)
  b[6] = (b[6]! & 0x0f) | 0x70
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
