// `npm run bench [-- <section>…] [--json]`: runs the sections, prints grids and targets, leaves no child behind.
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { killAllChildren, spawnChild, type BenchChild } from './lib/children.js'
import { renderProfileSummary, summarizeProfile } from './lib/cpuprofile.js'
import { runLoad } from './lib/load.js'
import { describeMachine } from './lib/machine.js'
import { jsonReport, renderReport, type SectionReport } from './lib/report.js'
import { SECTIONS } from './sections/index.js'
import type { BenchContext, BenchOptions, Section } from './types.js'

const USAGE = `usage: npm run bench [-- [section…] [options]]

sections (none given: every default one):
${SECTIONS.map((s) => `  ${s.name.padEnd(12)} ${s.title}${s.byDefault ? '' : ' (opt-in)'}`).join('\n')}

options:
  --json             machine-readable results on stdout, the readable report on stderr
                     (npm run -s bench -- --json > bench.json: -s keeps npm's banner out)
  --duration <s>     seconds per measured run (default 5)
  --rounds <n>       measured runs per side, alternated A B A B (default 2)
  --warmup <s>       warm-up seconds per side before the first case (default 2)
  --cpu-prof         run proxy children under the V8 profiler and summarize where their time went
                     (figures of a profiled run are not comparable with normal ones)
  --cpu-prof-dir <d> where profiles go (default /tmp/org-proxy-bench-prof-<time>)
`

// Children are killed on every way out: 'exit' runs for normal ends and process.exit(), the signal
// handlers for Ctrl-C / kill, the error handlers for crashes. The children also exit on their own
// when this process's IPC channel closes (see child-ipc.ts), which covers SIGKILL of the parent.
process.on('exit', killAllChildren)
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping children\n`)
    killAllChildren()
    process.exit(code)
  })
}
process.on('uncaughtException', (err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`)
  killAllChildren()
  process.exit(1)
})
process.on('unhandledRejection', (err) => {
  process.stderr.write(`bench: unhandled rejection: ${(err as Error)?.stack ?? err}\n`)
  killAllChildren()
  process.exit(1)
})

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(raw)}`)
  return n
}

class UsageError extends Error {}

function parseCommandLine(argv: string[]): { sections: Section[]; options: BenchOptions; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'cpu-prof-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const unknown = positionals.filter((name) => !SECTIONS.some((s) => s.name === name))
  if (unknown.length) throw new UsageError(`unknown section${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`)
  // Named sections run in registry order, opt-in ones included; none named: the default ones.
  const sections = positionals.length ? SECTIONS.filter((s) => positionals.includes(s.name)) : SECTIONS.filter((s) => s.byDefault)
  const profiling = values['cpu-prof'] || values['cpu-prof-dir'] !== undefined
  const options: BenchOptions = {
    durationSec: positiveNumber('duration', values.duration, 5),
    rounds: Math.round(positiveNumber('rounds', values.rounds, 2)),
    warmupSec: positiveNumber('warmup', values.warmup, 2),
    cpuProfDir: profiling ? (values['cpu-prof-dir'] ?? `/tmp/org-proxy-bench-prof-${Date.now()}`) : null,
  }
  return { sections, options, json: values.json }
}

function progress(message: string): void {
  const t = new Date().toISOString().slice(11, 19)
  process.stderr.write(`[${t}] ${message}\n`)
}

async function runSection(section: Section, options: BenchOptions): Promise<SectionReport> {
  const children: BenchChild[] = []
  const ctx: BenchContext = {
    options,
    async spawn(script, opts) {
      const child = await spawnChild(script, opts)
      children.push(child)
      return child
    },
    load: runLoad,
    progress: (message) => progress(`${section.name}: ${message}`),
  }
  const started = performance.now()
  progress(`${section.name}: start`)
  try {
    const rows = await section.run(ctx)
    return { section, rows, seconds: (performance.now() - started) / 1000 }
  } catch (err) {
    progress(`${section.name}: FAILED: ${(err as Error).stack ?? err}`)
    return { section, rows: [], seconds: (performance.now() - started) / 1000, error: (err as Error).message }
  } finally {
    // Graceful first, so profiled children write their profiles; stop() kills after a grace.
    await Promise.all(children.map((c) => c.stop()))
  }
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>
  try {
    parsed = parseCommandLine(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { sections, options, json } = parsed
  if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true })
  const machine = describeMachine()
  const reports: SectionReport[] = []
  for (const section of sections) reports.push(await runSection(section, options))

  const text = renderReport(machine, reports)
  // Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>: thread 0 is the main thread; the
  // others are tsx's module-loader thread, idle once the sources are loaded.
  const profiles = options.cpuProfDir
    ? readdirSync(options.cpuProfDir)
        .filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))
        .map((f) => renderProfileSummary(join(options.cpuProfDir!, f), summarizeProfile(join(options.cpuProfDir!, f))))
    : []
  const human = [text, ...profiles].join('\n\n') + '\n'
  if (json) {
    // stdout carries only the JSON document, so `npm run -s bench -- --json > out.json` works.
    process.stderr.write(human)
    process.stdout.write(JSON.stringify(jsonReport(machine, options, reports), null, 2) + '\n')
  } else {
    process.stdout.write(human)
  }
  // A missed target is a finding, not a failure; only a section that could not measure fails the run.
  return reports.some((r) => r.error) ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`)
    process.exit(1)
  },
)
