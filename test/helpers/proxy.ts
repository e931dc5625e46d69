// Builds a pass-through proxy in front of a test upstream, on a loopback port, with logs captured.
import { Writable } from 'node:stream'
import { createApp } from '../../src/app/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import { createProxyServer } from '../../src/server/index.js'
import { createUpstream } from '../../src/upstream/index.js'

export type TestProxy = Awaited<ReturnType<typeof startTestProxy>>

export async function startTestProxy(opts: { upstreamUrl: string; timeoutMs?: number; connections?: number }) {
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line))
      cb()
    },
  })
  const log = createLogger('info', sink)
  const metrics = createMetrics({ defaultMetrics: false })
  const upstream = createUpstream({ url: opts.upstreamUrl, connections: opts.connections ?? 16, timeoutMs: opts.timeoutMs ?? 5000 })
  const app = createApp({ config: { ADMIN_TOKEN: 'test:admin-token-0123456789' }, metrics, log, readiness: async () => null })
  const proxy = createProxyServer({ forward: createPassThrough({ upstream, metrics, log }), app, log, metrics })
  const address = await proxy.listen(0, '127.0.0.1')
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    logs,
    metrics,
    proxy,
    close: async () => {
      await proxy.shutdown(100)
      await upstream.close()
    },
  }
}
