// What every command shares with the process it runs as: its io (tests call `run(argv, io)` in-process
// with their own), the "executed directly" check, and its one-line failures prefixed with its name.
import { pathToFileURL } from 'node:url'
import { ConfigError, loadConfig } from '../config/index.js'

export type Io = {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
}

/** Bad arguments or configuration: the command says so in one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * DATABASE_URL as the proxy's configuration reads it, or a UsageError saying what is wrong or why the
 * command needs it (`needed`: "npm run backfill works on the legacy database the proxy fronts").
 */
export function databaseUrl(env: Io['env'], needed: string): string {
  let url: string | undefined
  try {
    url = loadConfig(env).DATABASE_URL
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.lines.join('; '))
    throw err
  }
  if (!url) throw new UsageError(needed)
  return url
}

/**
 * A whole number within bounds from an option's text (`1_000` reads as 1000), `fallback` when absent.
 * @example wholeNumber('--batch-size', values['batch-size'], 2000, 1, 100_000)
 */
export function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback
  const n = /^\d[\d_]*$/.test(text) ? Number(text.replace(/_/g, '')) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`)
  return n
}

/** Whether the module at `moduleUrl` is the script node was started with (`npm run <command>`). */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]!).href
}

/** Runs a command as the process: its return value is the exit code; `| head` closing stdout is no failure. */
export async function runAsProcess(run: (argv: string[], io: Io) => Promise<number>): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  })
}

/**
 * The command's failure: one line on stderr named after the command, and the exit code to return.
 * @example const fail = failWith('migrate'); return fail(io, 'DATABASE_URL is required', 2)
 */
export function failWith(command: string): (io: Pick<Io, 'err'>, line: string, code: number) => number {
  return (io, line, code) => {
    io.err(`${command}: ${line}`)
    return code
  }
}
