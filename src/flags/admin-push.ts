// Brings an Unleash server to what flags/ says: the feature import endpoint where the server has it (and takes the
// token), the feature and strategy endpoints otherwise; only what differs is written.
import { STICKINESS_FIELD, type FlagDefinition, type FlagStrategy } from './definition.js'
import { AdminApiError, client, enc, type AdminTarget, type Call, type FlagDiff, type ServerFeature } from './admin-api.js'
import { diffFlags, sortedStrategies } from './admin-diff.js'

export type PushResult = {
  via: 'import' | 'endpoints'
  /** Flag and environments written. */
  pushed: Array<{ flag: string; environments: string[] }>
  /** Server flags flags/ lacks: left alone (archive them in Unleash if they are retired). */
  extra: string[]
  /** What still differs after the push (empty when it converged). */
  remaining: FlagDiff[]
  /** Why the push went another way than asked, if it did. */
  note?: string
}

/**
 * Writes only what differs, so a second push changes nothing (and bumps no revision every client would refetch).
 * @example await pushFlags(target, (await loadFlagDir('flags')).flags)
 */
export async function pushFlags(
  target: AdminTarget,
  flags: FlagDefinition[],
  { via = 'auto' }: { via?: 'auto' | 'import' | 'endpoints' } = {},
): Promise<PushResult> {
  const call = client(target)
  await checkEnvironments(call, target.environments)
  const diffs = await diffFlags(target, flags)
  const extra = diffs.filter((d) => d.kind === 'extra').map((d) => d.flag)
  // Per flag, the environments to write: all of them for a new flag, the differing ones otherwise.
  const plan = diffs.flatMap((d) => {
    const flag = flags.find((f) => f.name === d.flag)
    if (!flag || d.kind === 'extra') return []
    const envs = flag.environments.map((e) => e.name).filter((e) => target.environments.includes(e))
    if (d.kind === 'missing') return [{ flag, environments: envs, create: true }]
    // A metadata-only change still goes through one environment's import, which updates the flag itself.
    const changed = d.environments.length ? d.environments : envs.slice(0, 1)
    return [{ flag, environments: changed, create: false, metadata: d.metadata }]
  })
  let mode = via === 'auto' ? ((await serves(call, '/api/admin/features-batch/validate')) ? 'import' : 'endpoints') : via
  let note: string | undefined
  if (plan.length) {
    await ensureContextField(call)
    if (mode === 'endpoints') await pushByEndpoints(call, target, plan)
    else
      try {
        await pushByImport(call, target, plan)
      } catch (err) {
        // Unleash refuses admin API tokens at its import (it wants a personal access token or a service account) and
        // says so before writing anything, so with --via auto the feature endpoints take over.
        if (!(via === 'auto' && err instanceof AdminApiError && err.status === 400 && /admin token/i.test(err.message))) throw err
        mode = 'endpoints'
        note = 'the import endpoint refuses admin API tokens (a personal access token can use it); used the feature endpoints'
        await pushByEndpoints(call, target, plan)
      }
  }
  const remaining = plan.length ? (await diffFlags(target, flags)).filter((d) => d.kind !== 'extra') : []
  return {
    via: mode,
    pushed: plan.map((x) => ({ flag: x.flag.name, environments: x.environments })),
    extra,
    remaining,
    ...(note ? { note } : {}),
  }
}

type Plan = Array<{ flag: FlagDefinition; environments: string[]; create: boolean; metadata?: boolean }>

async function checkEnvironments(call: Call, envs: string[]) {
  const res = await call<{ environments: Array<{ name: string }> }>('GET', '/api/admin/environments')
  const known = new Set((res?.environments ?? []).map((e) => e.name))
  const missing = envs.filter((e) => !known.has(e))
  if (missing.length) throw new Error(`environment ${missing.join(', ')} does not exist on the server (it has ${[...known].join(', ')})`)
}

/** Whether the server routes a path at all (an empty validate body is refused with 400, an unknown path 404). */
async function serves(call: Call, path: string): Promise<boolean> {
  try {
    await call('POST', path, {}, [400, 415])
    return true
  } catch (err) {
    if (err instanceof AdminApiError && err.status === 404) return false
    throw err
  }
}

/** Rollouts stick on organizationId; Unleash only offers custom stickiness on a context field marked for it. */
async function ensureContextField(call: Call) {
  const existing = await call<{ name: string; stickiness?: boolean }>('GET', `/api/admin/context/${STICKINESS_FIELD}`, undefined, [404])
  const field = {
    name: STICKINESS_FIELD,
    description: 'The organization a request acts for (X-Organization-Id or the user’s default); org-proxy rollouts stick on it',
    stickiness: true,
    legalValues: [],
  }
  if (!existing) await call('POST', '/api/admin/context', field)
  else if (!existing.stickiness) await call('PUT', `/api/admin/context/${STICKINESS_FIELD}`, field)
}

function strategyBody(s: FlagStrategy, sortOrder: number) {
  return {
    name: s.name,
    ...(s.title ? { title: s.title } : {}),
    disabled: s.disabled,
    parameters: s.parameters,
    constraints: s.constraints,
    variants: s.variants,
    segments: [],
    sortOrder,
  }
}

async function clearFlagVariants(call: Call, project: string, flag: string, env: string) {
  const server = await call<ServerFeature>('GET', `/api/admin/projects/${enc(project)}/features/${enc(flag)}`, undefined, [404])
  if (server?.environments.find((e) => e.name === env)?.variants?.length)
    await call('PUT', `/api/admin/projects/${enc(project)}/features/${enc(flag)}/environments/${enc(env)}/variants`, [])
}

/** One import per environment: the server replaces the strategies and sets the enabled state of the flags given. */
async function pushByImport(call: Call, target: AdminTarget, plan: Plan) {
  for (const env of target.environments) {
    const items = plan.filter((x) => x.environments.includes(env))
    if (!items.length) continue
    for (const x of items) if (!x.create) await clearFlagVariants(call, target.project, x.flag.name, env)
    await call('POST', '/api/admin/features-batch/import', {
      project: target.project,
      environment: env,
      data: {
        features: items.map(({ flag }) => ({
          name: flag.name,
          description: flag.description,
          type: flag.type,
          project: target.project,
          impressionData: flag.impressionData,
          stale: false,
        })),
        featureStrategies: items.flatMap(({ flag }) =>
          flag.environments
            .find((e) => e.name === env)!
            .strategies.map((s, i) => ({ featureName: flag.name, ...strategyBody(s, i) })),
        ),
        featureEnvironments: items.map(({ flag }) => ({
          // The import reads the flag's name from `name` and its variants' owner from `featureName`.
          name: flag.name,
          featureName: flag.name,
          environment: env,
          enabled: flag.environments.find((e) => e.name === env)!.enabled,
          variants: [],
        })),
        contextFields: [],
        featureTags: [],
        tagTypes: [],
        segments: [],
        dependencies: [],
      },
    })
  }
}

/** For servers without the import endpoint: the same result through the feature, strategy and on/off endpoints. */
async function pushByEndpoints(call: Call, target: AdminTarget, plan: Plan) {
  const p = enc(target.project)
  for (const x of plan) {
    const f = x.flag
    const path = `/api/admin/projects/${p}/features/${enc(f.name)}`
    const meta = { name: f.name, description: f.description, type: f.type, impressionData: f.impressionData }
    if (x.create) await call('POST', `/api/admin/projects/${p}/features`, meta)
    else if (x.metadata) await call('PUT', path, meta)
    for (const env of x.environments) {
      const mine = f.environments.find((e) => e.name === env)!
      const server = await call<ServerFeature>('GET', path)
      const theirs = server!.environments.find((e) => e.name === env)
      const envPath = `${path}/environments/${enc(env)}`
      // Off first when it should end off, so no half-written strategy list is ever served.
      if (theirs?.enabled && !mine.enabled) await call('POST', `${envPath}/off`)
      if (theirs?.variants?.length) await call('PUT', `${envPath}/variants`, [])
      // New strategies before the old go: an enabled flag with no strategies would be on for everyone meanwhile.
      const old = sortedStrategies(theirs?.strategies)
      const base = old.reduce((n, s) => Math.max(n, (s.sortOrder ?? 0) + 1), 0)
      for (const [i, s] of mine.strategies.entries()) await call('POST', `${envPath}/strategies`, strategyBody(s, base + i))
      for (const s of old) await call('DELETE', `${envPath}/strategies/${enc(s.id)}`)
      if (!theirs?.enabled && mine.enabled) await call('POST', `${envPath}/on`)
    }
  }
}
