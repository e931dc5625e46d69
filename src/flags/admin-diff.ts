// How an Unleash server differs from flags/, flag by flag, in words a reviewer can act on ("production: strategy 1:
// parameters.rollout: server "25", files "0"").
import type { FlagDefinition, FlagStrategy } from './definition.js'
import { client, enc, type AdminTarget, type FlagDiff, type ServerFeature, type ServerStrategy } from './admin-api.js'

/** The comparable form of a strategy: what evaluation depends on, defaults filled in, ids and sort numbers dropped. */
function normStrategy(s: Partial<FlagStrategy> | ServerStrategy) {
  return {
    name: s.name,
    title: s.title ?? '',
    disabled: s.disabled ?? false,
    parameters: Object.fromEntries(
      Object.entries(s.parameters ?? {})
        .map(([k, v]) => [k, String(v)] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
    constraints: (s.constraints ?? []).map((c: Record<string, unknown>) => ({
      contextName: c.contextName,
      operator: c.operator,
      values: [...((c.values as string[] | undefined) ?? [])].sort(),
      value: c.value ?? '',
      inverted: c.inverted ?? false,
      caseInsensitive: c.caseInsensitive ?? false,
    })),
    variants: (s.variants ?? []).map((v: Record<string, unknown>) => ({
      name: v.name,
      weight: v.weight,
      weightType: v.weightType ?? 'variable',
      stickiness: v.stickiness ?? 'default',
      payload: v.payload ?? null,
    })),
  }
}

export function sortedStrategies(list: ServerStrategy[] = []) {
  return [...list].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))
}

/** Field paths where two plain values differ, with both values: "parameters.rollout: server "25", files "10"". */
function differences(server: unknown, files: unknown, path = ''): string[] {
  if (JSON.stringify(server) === JSON.stringify(files)) return []
  if (server && files && typeof server === 'object' && typeof files === 'object' && !Array.isArray(server) && !Array.isArray(files)) {
    const keys = [...new Set([...Object.keys(server), ...Object.keys(files)])]
    return keys.flatMap((k) =>
      differences((server as Record<string, unknown>)[k], (files as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    )
  }
  return [`${path || '(value)'}: server ${JSON.stringify(server) ?? 'none'}, files ${JSON.stringify(files) ?? 'none'}`]
}

function compare(flag: FlagDefinition, server: ServerFeature, environments: string[]): FlagDiff {
  const details: string[] = []
  const changedEnvs: string[] = []
  const meta = differences(
    { description: server.description ?? '', type: server.type, impressionData: server.impressionData ?? false },
    { description: flag.description, type: flag.type, impressionData: flag.impressionData },
  )
  details.push(...meta)
  for (const env of environments) {
    const mine = flag.environments.find((e) => e.name === env)
    const theirs = server.environments.find((e) => e.name === env)
    if (!mine) continue
    const before = details.length
    if (!theirs) {
      details.push(`${env}: environment missing on the server`)
    } else {
      if (theirs.enabled !== mine.enabled) details.push(`${env}: enabled: server ${theirs.enabled}, files ${mine.enabled}`)
      if (theirs.variants?.length) details.push(`${env}: flag-level variants on the server (flags/ uses strategy variants only)`)
      const s = sortedStrategies(theirs.strategies).map(normStrategy)
      const f = mine.strategies.map(normStrategy)
      if (s.length !== f.length) details.push(`${env}: strategies: server has ${s.length}, files ${f.length}`)
      for (let i = 0; i < Math.min(s.length, f.length); i++)
        for (const d of differences(s[i], f[i])) details.push(`${env}: strategy ${i + 1}: ${d}`)
    }
    if (details.length > before) changedEnvs.push(env)
  }
  return { flag: flag.name, kind: 'changed', details, environments: changedEnvs, metadata: meta.length > 0 }
}

/** The files' shared name prefix up to its first dot ("org."), so other teams' flags in the project are not "extra". */
export function defaultPrefix(flags: FlagDefinition[]): string {
  const prefixes = new Set(flags.map((f) => (f.name.includes('.') ? f.name.slice(0, f.name.indexOf('.') + 1) : '')))
  return prefixes.size === 1 ? [...prefixes][0]! : ''
}

/**
 * How the server differs from the files, flag by flag; an empty list means the same.
 * @example const diffs = await diffFlags({ url, token, project: 'default', environments: ['production'] }, flags)
 */
export async function diffFlags(target: AdminTarget, flags: FlagDefinition[]): Promise<FlagDiff[]> {
  const call = client(target)
  const p = enc(target.project)
  const list = await call<{ features: Array<{ name: string }> }>('GET', `/api/admin/projects/${p}/features`)
  const onServer = new Set((list?.features ?? []).map((f) => f.name))
  const prefix = target.prefix ?? defaultPrefix(flags)
  const diffs: FlagDiff[] = []
  for (const flag of flags) {
    if (!onServer.has(flag.name)) {
      diffs.push({ flag: flag.name, kind: 'missing' })
      continue
    }
    const server = await call<ServerFeature>('GET', `/api/admin/projects/${p}/features/${enc(flag.name)}`)
    const d = compare(flag, server!, target.environments)
    if (d.kind === 'changed' && d.details.length) diffs.push(d)
  }
  const mine = new Set(flags.map((f) => f.name))
  for (const name of [...onServer].sort())
    if (!mine.has(name) && name.startsWith(prefix)) diffs.push({ flag: name, kind: 'extra' })
  return diffs
}

