// What every command shares with the process it runs as: its io (tests call `run(argv, io)` in-process
// with their own), the "executed directly" check, and its one-line failures prefixed with its name.
import { pathToFileURL } from 'node:url'

export type Io = {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
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
