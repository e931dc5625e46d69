// `npm run flags -- push|diff|check`: flags/ is the reviewed source of truth; this brings an Unleash server to it and
// shows where a server has drifted (someone's click in the UI), so a rollback is a reviewed commit or a visible diff.
import { parseArgs } from 'node:util'
import {
  diffFlags,
  FlagFileError,
  loadFlagDir,
  pushFlags,
  type AdminTarget,
  type FlagDefinition,
  type FlagDiff,
} from '../flags/index.js'
import { isMain, runAsProcess, type Io } from './io.js'

const USAGE = `usage: npm run flags -- <push|diff|check> [--url URL] [--token TOKEN] [--project default]
                     [--environment production[,development]] [--dir flags] [--prefix org.] [--via auto|import|endpoints]
  push   bring the Unleash server to what flags/ says (writes only what differs)
  diff   show how the server differs from flags/; exit 0 when the same, 1 when different
  check  validate flags/ without a server
  --url / UNLEASH_ADMIN_URL      the server's base URL, e.g. http://localhost:4242
  --token / UNLEASH_ADMIN_TOKEN  an admin API token, or a personal access token (which the import endpoint takes)
  --environment                  environments to compare/push (default: every one flags/ names)`

export type { Io }

/** Runs the command; returns the exit code (0 ok/same, 1 different or not converged, 2 bad arguments or failure). */
export async function run(argv: string[], io: Io): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        project: { type: 'string', default: 'default' },
        environment: { type: 'string' },
        dir: { type: 'string' },
        prefix: { type: 'string' },
        via: { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    // Node's message goes on about positionals after "--"; its first sentence is the useful part.
    return usage(io, (err as Error).message.split('. ')[0]!)
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(USAGE)
    return 0
  }
  const [command, ...rest] = positionals
  if (!command) return usage(io, 'missing command: push, diff or check')
  if (!['push', 'diff', 'check'].includes(command)) return usage(io, `unknown command ${JSON.stringify(command)}: expected push, diff or check`)
  if (rest.length) return usage(io, `unexpected argument ${JSON.stringify(rest[0])}`)
  if (!['auto', 'import', 'endpoints'].includes(values.via)) return usage(io, `--via must be auto, import or endpoints (got ${JSON.stringify(values.via)})`)

  const dir = values.dir ?? io.env.FLAGS_DIR ?? 'flags'
  let flags: FlagDefinition[]
  try {
    flags = (await loadFlagDir(dir)).flags
  } catch (err) {
    io.err(err instanceof FlagFileError ? `flags: ${dir}/${err.message}` : `flags: cannot read ${dir}: ${(err as Error).message}`)
    return 2
  }
  if (command === 'check') {
    io.out(`flags: ${flags.length} flag files in ${dir} are valid`)
    return 0
  }

  const url = values.url ?? io.env.UNLEASH_ADMIN_URL
  const token = values.token ?? io.env.UNLEASH_ADMIN_TOKEN
  if (!url) return usage(io, 'missing --url (or UNLEASH_ADMIN_URL): the Unleash server, e.g. http://localhost:4242')
  if (!/^https?:\/\/[^/]/.test(url)) return usage(io, `--url must be an http(s) URL (got ${JSON.stringify(url)})`)
  if (!token) return usage(io, 'missing --token (or UNLEASH_ADMIN_TOKEN): an Unleash admin API token')
  const named = [...new Set(flags.flatMap((f) => f.environments.map((e) => e.name)))]
  const environments = values.environment ? values.environment.split(',').map((e) => e.trim()).filter(Boolean) : named
  const unknown = environments.filter((e) => !named.includes(e))
  if (unknown.length) return usage(io, `--environment ${unknown.join(',')}: flags/ has no such environment (it has ${named.join(', ')})`)
  const target: AdminTarget = {
    url,
    token,
    project: values.project,
    environments,
    ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
  }

  try {
    if (command === 'diff') {
      const diffs = await diffFlags(target, flags)
      for (const line of describe(diffs)) io.out(line)
      io.out(
        diffs.length
          ? `flags: ${url} differs from ${dir} in ${diffs.length} flag(s) (${environments.join(', ')})`
          : `flags: ${url} matches ${dir} (${flags.length} flags; ${environments.join(', ')})`,
      )
      return diffs.length ? 1 : 0
    }
    const result = await pushFlags(target, flags, { via: values.via as 'auto' | 'import' | 'endpoints' })
    if (result.note) io.out(`note: ${result.note}`)
    for (const p of result.pushed) io.out(`pushed ${p.flag} (${p.environments.join(', ')})`)
    for (const name of result.extra) io.out(`extra on the server, left alone: ${name} (archive it in Unleash if it is retired)`)
    if (result.remaining.length) {
      for (const line of describe(result.remaining)) io.err(line)
      io.err(`flags: push did not converge: ${result.remaining.length} flag(s) still differ`)
      return 1
    }
    io.out(
      result.pushed.length
        ? `flags: pushed ${result.pushed.length} flag(s) to ${url} via ${result.via}`
        : `flags: ${url} already matches ${dir}; nothing to push`,
    )
    return 0
  } catch (err) {
    io.err(`flags: ${command} failed: ${(err as Error).message}`)
    return 2
  }
}

function describe(diffs: FlagDiff[]): string[] {
  return diffs.flatMap((d) => {
    if (d.kind === 'missing') return [`${d.flag}: missing on the server`]
    if (d.kind === 'extra') return [`${d.flag}: extra on the server (not in flags/)`]
    return [`${d.flag}: differs`, ...d.details.map((x) => `  ${x}`)]
  })
}

function usage(io: Io, problem: string): number {
  io.err(`flags: ${problem} (npm run flags -- --help)`)
  return 2
}

if (isMain(import.meta.url)) await runAsProcess(run)
