// The proxy under test in its own process, built from the real modules as production wires them.
import { createApp } from '../../src/app/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import { createProxyServer } from '../../src/server/index.js'
import { createUpstream } from '../../src/upstream/index.js'
import { serveParent } from '../lib/child-ipc.js'

// Per-request JSON logging stays on at LOG_LEVEL (stdout is /dev/null in the bench), metrics include
// the default process metrics, and the Hono ops app sits behind the same server.

const upstreamUrl = process.env.BENCH_UPSTREAM_URL
if (!upstreamUrl) throw new Error('BENCH_UPSTREAM_URL is required')

const log = createLogger(process.env.LOG_LEVEL ?? 'info')
const metrics = createMetrics({ defaultMetrics: true })
const upstream = createUpstream({
  url: upstreamUrl,
  // The configuration's defaults (LEGACY_CONNECTIONS, LEGACY_TIMEOUT_MS).
  connections: Number(process.env.LEGACY_CONNECTIONS ?? 128),
  timeoutMs: Number(process.env.LEGACY_TIMEOUT_MS ?? 30_000),
})
const app = createApp({ config: { ADMIN_TOKEN: 'bench:admin-token-0123456789' }, metrics, log, readiness: async () => null })
const proxy = createProxyServer({ forward: createPassThrough({ upstream, metrics, log }), app, log, metrics })

const parent = serveParent({
  sampleRss: true,
  onStop: async () => {
    await proxy.shutdown(500)
    await upstream.close()
    log.flush()
  },
})
const address = await proxy.listen(0, '127.0.0.1')
parent.ready({ url: `http://127.0.0.1:${address.port}` })
