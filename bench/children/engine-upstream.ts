// The legacy stand-in of the engine bench: answers every GET with a typical campaign after a timer (I/O wait, no CPU).
import { createServer } from 'node:http'
import { typicalPair } from '../../src/compare/bench.js'
import { serveUpstreamChild } from '../lib/child-ipc.js'

/** How long legacy "waits on its database" before it answers (ms); the new handler waits 10× this. */
const DELAY_MS = Number(process.env.BENCH_LEGACY_DELAY_MS ?? 2)

// The legacy side of the compare micro-benchmark's typical pair (~2 KB), so the shadow compares a realistic body.
const { legacy } = typicalPair()
if (!('body' in legacy)) throw new Error('typicalPair() has no legacy body')
const BODY = Buffer.from(JSON.stringify(legacy.body))

const server = createServer((req, res) => {
  // Drained before the timer so the socket is free to read the next request the moment this one answers.
  req.resume()
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length })
    res.end(BODY)
  }, DELAY_MS)
})
serveUpstreamChild(server, { bodyBytes: BODY.length, delayMs: DELAY_MS })
