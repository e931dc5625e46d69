// Summarizes a V8 .cpuprofile (--cpu-prof): self time by module and by function.
import { readFileSync } from 'node:fs'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export type ProfileSummary = {
  totalMs: number
  idleMs: number
  functions: { name: string; ms: number; share: number }[]
  modules: { name: string; ms: number; share: number }[]
}

/** Where a frame's code lives: the npm package, the node: internal file, or the repo file. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:')
  const repo = /\/(src|bench|test)\/(.*)$/.exec(url)
  return repo ? `${repo[1]}/${repo[2]}` : url
}

/** @example const s = summarizeProfile('/tmp/prof/CPU.x.cpuprofile', 25) */
export function summarizeProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfUs = new Map<number, number>()
  // V8 attributes each time delta to the sample that follows it.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const fn = new Map<string, number>()
  const mod = new Map<string, number>()
  let total = 0
  let idle = 0
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    total += us
    if (functionName === '(idle)') {
      idle += us
      continue
    }
    // tsx-compiled sources report line 0 for everything: the file alone says more there.
    const where = url ? `${moduleOf(url, functionName)}${lineNumber > 0 ? `:${lineNumber + 1}` : ''}` : ''
    const key = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    const m = moduleOf(url, functionName)
    mod.set(m, (mod.get(m) ?? 0) + us)
  }
  const busy = total - idle
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy ? us / busy : 0 }))
  return { totalMs: total / 1000, idleMs: idle / 1000, functions: rank(fn), modules: rank(mod) }
}

export function renderProfileSummary(path: string, s: ProfileSummary): string {
  const lines = [`CPU profile ${path}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${((s.totalMs - s.idleMs) / 1000).toFixed(1)} s busy (shares below are of busy time)`]
  lines.push('  self time by module:')
  for (const m of s.modules) lines.push(`    ${(m.share * 100).toFixed(1).padStart(5)} %  ${m.name}`)
  lines.push('  self time by function:')
  for (const f of s.functions) lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`)
  return lines.join('\n')
}
