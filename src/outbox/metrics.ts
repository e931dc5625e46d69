// The outbox's and reconcile's Prometheus series, registered on the proxy's per-instance registry
// (ops/metrics.ts) when the process wires them in; reused if already registered there.
import { Counter, Gauge, type Registry } from 'prom-client'

type Named = { name: string; help: string; labelNames?: readonly string[] }

export function counterOn(registry: Registry, def: Named): Counter<string> {
  return (registry.getSingleMetric(def.name) as Counter<string> | undefined) ?? new Counter({ ...def, labelNames: def.labelNames ?? [], registers: [registry] })
}

export function gaugeOn(registry: Registry, def: Named): Gauge<string> {
  return (registry.getSingleMetric(def.name) as Gauge<string> | undefined) ?? new Gauge({ ...def, labelNames: def.labelNames ?? [], registers: [registry] })
}

export type OutboxMetrics = { items: Gauge<string>; oldestSeconds: Gauge<string>; processed: Counter<string> }

export function outboxMetrics(registry: Registry): OutboxMetrics {
  return {
    items: gaugeOn(registry, { name: 'org_proxy_outbox_items', help: 'Organization writes waiting in the outbox, by status (pending|dead|held: pending phase 1 items a phase 3 cleanup step holds)', labelNames: ['status'] }),
    oldestSeconds: gaugeOn(registry, { name: 'org_proxy_outbox_oldest_pending_seconds', help: 'Age of the oldest pending outbox item' }),
    processed: counterOn(registry, {
      name: 'org_proxy_outbox_processed_total',
      help: 'Outbox items processed by this instance, by route and result (done|retry|dead)',
      labelNames: ['route', 'result'],
    }),
  }
}
