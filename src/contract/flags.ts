// What the cleanup steps ask of the flags: "flag X live for 100 % of organizations" or "flag X off for
// everyone", read off the stage split the proxy's own flag source reports (Unleash, else flags/).
import { loadConfig } from '../config/index.js'
import { createFlagSource, FLAG, flagSourceOptions, type FlagName, type FlagSourceStatus } from '../flags/index.js'

/** What the steps read of the flag source (its status(): the stage split of every flag). */
export type FlagStatusSource = () => Promise<Pick<FlagSourceStatus, 'flags' | 'killSwitch' | 'source' | 'serving'>>
export type FlagStatus = Awaited<ReturnType<FlagStatusSource>>

/** `live`: live for 100 % of organizations; `off`: on for nobody. */
export type FlagNeed = 'live' | 'off'

/** The flags a proxy with this environment runs on (Unleash, else flags/), read once per call. */
export function flagStatusFrom(env: Record<string, string | undefined>): FlagStatusSource {
  return async () => {
    const flags = createFlagSource(flagSourceOptions(loadConfig(env), { watch: false }))
    try {
      await flags.ready
      return flags.status()
    } finally {
      await flags.close()
    }
  }
}

/** The flags the proxy runs on, from this process's configuration. */
export const configuredFlagStatus: FlagStatusSource = () => flagStatusFrom(process.env)()

/**
 * One flag against what a step needs, as one printable line.
 * @example flagCheck(await configuredFlagStatus(), FLAG.reads, 'live') // { ok: false, line: 'org.reads: 10 % live, …' }
 */
export function flagCheck(status: FlagStatus, flag: FlagName, need: FlagNeed): { ok: boolean; line: string } {
  const s = status.flags[flag]
  const wants = need === 'live' ? 'needs 100 % live' : 'needs off for everyone'
  // A rollout nobody can read is not proven, whichever way the step needs it.
  if (status.source === 'unleash' && status.serving !== 'unleash') return { ok: false, line: `${flag}: Unleash did not answer (serving ${status.serving}); the rollout cannot be read` }
  if (need === 'off') {
    // Unleash evaluates a flag it does not know as off.
    if (!s) return { ok: true, line: `${flag}: not defined (off for everyone)` }
    const off = !s.enabled || (s.exact && s.on === 0)
    return { ok: off, line: `${flag}: ${s.enabled ? `on for ${s.on} %${s.exact ? '' : ' (estimate: constraints or mixed strategies)'}` : 'off'} (${wants})` }
  }
  // The kill switch sends everyone to legacy: nothing is live while it is on.
  if (status.killSwitch) return { ok: false, line: `${FLAG.killSwitch}: on (every request goes to legacy; ${flag} ${wants})` }
  if (!s) return { ok: false, line: `${flag}: not defined (${wants})` }
  const split = `${s.split.live} % live, ${s.split.shadow} % shadow, ${s.split.off} % off${s.exact ? '' : ' (estimate: constraints or mixed strategies)'}`
  return { ok: s.enabled && s.exact && s.split.live >= 100, line: `${flag}: ${split} (${wants})` }
}

/** Several needs at once: every line, ok only when all hold. */
export function flagChecks(status: FlagStatus, needs: readonly [FlagName, FlagNeed][]): { ok: boolean; lines: string[] } {
  const checks = needs.map(([flag, need]) => flagCheck(status, flag, need))
  return { ok: checks.every((c) => c.ok), lines: checks.map((c) => c.line) }
}
