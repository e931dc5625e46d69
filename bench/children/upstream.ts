// Trivial upstream for the bench, in its own process, answering from memory so it costs as little as possible.
import { createHash } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import { serveUpstreamChild } from '../lib/child-ipc.js'
import { patternChunk, CHUNK_BYTES } from '../lib/pattern.js'
import { UPSTREAM_ROUTES as ROUTES } from '../lib/stack.js'

/** Size of the streamed download (bytes), overridable by the parent. */
const DOWNLOAD_BYTES = Number(process.env.BENCH_DOWNLOAD_BYTES ?? 20 * 1024 * 1024)

// ~300 bytes, the shape of a typical gp-api answer.
const SMALL = Buffer.from(
  JSON.stringify({
    id: 4211,
    slug: 'jane-doe-for-city-council',
    userId: 981,
    isActive: true,
    isPro: false,
    details: { office: 'City Council', state: 'CA', city: 'Fresno', electionDate: '2026-11-03', party: 'Independent' },
    pathToVictory: { projectedTurnout: 48211, winNumber: 24106, voterContactGoal: 96424 },
    createdAt: '2025-02-11T17:04:12.000Z',
  }),
)
const ONE_MIB = Buffer.alloc(1024 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789')

function fixed(res: ServerResponse, body: Buffer, type: string, status = 200): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length })
  res.end(body)
}

/** Streams the pattern with backpressure, so this process never holds more than a chunk or two. */
function download(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': DOWNLOAD_BYTES })
  const chunks = Math.ceil(DOWNLOAD_BYTES / CHUNK_BYTES)
  let i = 0
  const pump = () => {
    while (i < chunks) {
      if (!res.write(patternChunk(i++))) return void res.once('drain', pump)
    }
    res.end()
  }
  res.on('close', () => {
    i = chunks // client gone: stop producing
  })
  pump()
}

const server = createServer((req, res) => {
  const url = req.url ?? '/'
  if (req.method === 'POST' && url === ROUTES.upload) {
    // The sink reads and discards, hashing on the way so the parent can verify every byte arrived.
    const hash = createHash('sha256')
    let bytes = 0
    req.on('data', (c: Buffer) => {
      bytes += c.length
      hash.update(c)
    })
    req.on('end', () => fixed(res, Buffer.from(JSON.stringify({ bytes, sha256: hash.digest('hex') })), 'application/json'))
    return
  }
  if (url === ROUTES.small) return fixed(res, SMALL, 'application/json')
  if (url === ROUTES.oneMiB) return fixed(res, ONE_MIB, 'application/octet-stream')
  if (url === ROUTES.download) return download(res)
  fixed(res, Buffer.from('{"error":"not found"}'), 'application/json', 404)
})
serveUpstreamChild(server, { smallBytes: SMALL.length, downloadBytes: DOWNLOAD_BYTES })
