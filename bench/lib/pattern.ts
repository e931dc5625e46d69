// Deterministic bytes for the large transfers, so both ends verify 20 MiB by SHA-256 without holding it whole.
import { createHash } from 'node:crypto'

export const CHUNK_BYTES = 64 * 1024

const base = Buffer.alloc(CHUNK_BYTES)
// A cheap LCG fills the block with bytes that gzip-aware middleboxes could not shrink to nothing.
for (let i = 0, x = 0x2545f491; i < CHUNK_BYTES; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0
  base[i] = x >>> 24
}

/** Chunk `i` of the pattern: the base block stamped with its index, so a lost or repeated chunk changes the hash. */
export function patternChunk(i: number): Buffer {
  const chunk = Buffer.from(base)
  chunk.writeUInt32BE(i, 0)
  return chunk
}

/** Yields `totalBytes` of the pattern (a multiple of CHUNK_BYTES). */
export function* patternChunks(totalBytes: number): Generator<Buffer> {
  for (let i = 0; i * CHUNK_BYTES < totalBytes; i++) yield patternChunk(i)
}

/** SHA-256 (hex) of the first `totalBytes` of the pattern. */
export function patternSha256(totalBytes: number): string {
  const hash = createHash('sha256')
  for (const chunk of patternChunks(totalBytes)) hash.update(chunk)
  return hash.digest('hex')
}
