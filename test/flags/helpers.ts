// Shared by the flag tests: a private copy of flags/ to edit, edits the way editors save, and a clock for "how long
// until the source saw it".
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FlagDefinition } from '../../src/flags/index.js'

export const FLAGS_DIR = fileURLToPath(new URL('../../flags', import.meta.url))

/** A temporary copy of the committed flags/; remove() deletes it. */
export async function tempFlagsDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'org-proxy-flags-'))
  await cp(FLAGS_DIR, dir, { recursive: true })
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Edits one flag file; `atomic` writes a temporary file and renames it over the old one, as vim and IDEs do. */
export async function editFlag(
  dir: string,
  name: string,
  change: (flag: FlagDefinition) => void,
  { atomic = true }: { atomic?: boolean } = {},
): Promise<void> {
  const file = join(dir, `${name}.json`)
  const flag = JSON.parse(await readFile(file, 'utf8')) as FlagDefinition
  change(flag)
  await writeRaw(dir, `${name}.json`, `${JSON.stringify(flag, null, 2)}\n`, { atomic })
}

export async function writeRaw(dir: string, file: string, text: string, { atomic = true }: { atomic?: boolean } = {}) {
  const target = join(dir, file)
  if (!atomic) return writeFile(target, text)
  const temp = join(dir, `.${file}.${process.pid}.tmp`)
  await writeFile(temp, text)
  await rename(temp, target)
}

/** Resolves with the milliseconds until `check()` held; rejects after `timeoutMs`. */
export async function timeUntil(check: () => boolean, timeoutMs: number, stepMs = 5): Promise<number> {
  const started = performance.now()
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
  return Math.round(performance.now() - started)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Sets a flexibleRollout strategy's percentage in one environment (strategy index in file order). */
export function setRollout(flag: FlagDefinition, environment: string, index: number, rollout: number) {
  const s = flag.environments.find((e) => e.name === environment)!.strategies[index]!
  s.parameters.rollout = String(rollout)
}
