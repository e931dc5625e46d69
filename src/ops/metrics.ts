// Prometheus metrics for one proxy instance. A registry per instance (not prom-client's global one)
// so tests and replicas in one process never share counters; label children are cached because
// prom-client hashes the label object on every call and this runs once per proxied request.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export type Metrics = ReturnType<typeof createMetrics>

/** @example const metrics = createMetrics(); metrics.request('passthrough', 'legacy', 200, 0.003) */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry()
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'org_proxy_' })
  const requests = new Counter({
    name: 'org_proxy_requests_total',
    help: 'Requests answered, by route group, target (legacy|new|proxy) and status code',
    labelNames: ['group', 'target', 'status'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'org_proxy_request_duration_seconds',
    help: 'Time to the last byte of the response, by route group and target',
    labelNames: ['group', 'target'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const upstreamErrors = new Counter({
    name: 'org_proxy_upstream_errors_total',
    help: 'Failed upstream exchanges, by kind (unreachable, timeout, aborted-mid-body, client-aborted, bad-request)',
    labelNames: ['kind'] as const,
    registers: [registry],
  })
  const secondaryFailures = new Counter({
    name: 'org_proxy_secondary_failures_total',
    help: 'Failures on secondary paths that never reach the client (shadow, org write, recording, metrics), by path',
    labelNames: ['path', 'reason'] as const,
    registers: [registry],
  })
  const comparisons = new Counter({
    name: 'org_proxy_comparisons_total',
    help: 'Shadow and live-verification comparisons by route and outcome',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
  })
  const originLatency = new Histogram({
    name: 'org_proxy_origin_duration_seconds',
    help: 'Latency of each side of a migrated route, by route and origin (legacy|new)',
    labelNames: ['route', 'origin'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const originErrors = new Counter({
    name: 'org_proxy_origin_errors_total',
    help: 'Errors of each side of a migrated route, by route and origin (legacy|new)',
    labelNames: ['route', 'origin'] as const,
    registers: [registry],
  })
  const shadowSkipped = new Counter({
    name: 'org_proxy_shadow_skipped_total',
    help: 'Shadow runs skipped, by route and cause (concurrency-cap, body-too-large, sampled-out, not-json)',
    labelNames: ['route', 'cause'] as const,
    registers: [registry],
  })
  const stages = new Counter({
    name: 'org_proxy_stage_decisions_total',
    help: 'Routing decisions of migrated routes, by route and stage (off|shadow|live)',
    labelNames: ['route', 'stage'] as const,
    registers: [registry],
  })
  const fallbacks = new Counter({
    name: 'org_proxy_live_fallbacks_total',
    help: 'Live requests answered by legacy after the new handler failed, by route and cause',
    labelNames: ['route', 'cause'] as const,
    registers: [registry],
  })
  const flagEvents = new Counter({
    name: 'org_proxy_flag_events_total',
    help: 'Flag source refreshes and errors, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  })
  // A plain number on the hot path, copied into the gauge only when Prometheus scrapes.
  let inFlightNow = 0
  new Gauge({
    name: 'org_proxy_in_flight_requests',
    help: 'Requests being answered right now',
    registers: [registry],
    collect() {
      this.set(inFlightNow)
    },
  })

  type Children = { counters: Map<number, Counter.Internal>; histogram: Histogram.Internal<'group' | 'target'> }
  const children = new Map<string, Map<string, Children>>()

  return {
    registry,
    requests,
    duration,
    upstreamErrors,
    secondaryFailures,
    comparisons,
    originLatency,
    originErrors,
    shadowSkipped,
    stages,
    fallbacks,
    flagEvents,
    inFlight: {
      inc: () => void inFlightNow++,
      dec: () => void inFlightNow--,
    },
    /** Counts one answered request and its duration; the hot path's only metrics call. */
    request(group: string, target: string, status: number, seconds: number): void {
      // Nested maps of cached children: no key strings built and no label hashing per request.
      let byTarget = children.get(group)
      if (!byTarget) children.set(group, (byTarget = new Map()))
      let c = byTarget.get(target)
      if (!c) byTarget.set(target, (c = { counters: new Map(), histogram: duration.labels(group, target) }))
      let counter = c.counters.get(status)
      if (!counter) c.counters.set(status, (counter = requests.labels(group, target, String(status))))
      counter.inc()
      c.histogram.observe(seconds)
    },
    /** A secondary path failed: counted, never thrown. */
    secondary(path: string, reason: string): void {
      secondaryFailures.labels(path, reason).inc()
    },
  }
}
