// The flag file format of flags/ (Unleash's own feature shape: strategies and enabled state per environment) and its
// checks, so a bad edit is refused with the file and the field named instead of silently routing traffic.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ClientFeaturesResponse } from 'unleash-client'
import type { FeatureInterface } from 'unleash-client/lib/feature.js'
import { z } from 'zod'

/** The flags of flags/, one per phase step. */
export const FLAG = {
  dualWrite: 'org.dual-write',
  reads: 'org.reads',
  switcher: 'org.switcher',
  voterFilters: 'org.voter-filters',
  writes: 'org.writes',
  newCampaign: 'org.new-campaign',
  killSwitch: 'org.kill-switch',
} as const
export type FlagName = (typeof FLAG)[keyof typeof FLAG]

/** The context field rollouts stick on (Unleash needs it declared as a stickiness field). */
export const STICKINESS_FIELD = 'organizationId'

// Unleash's feature types; `kill-switch` is what org.kill-switch is.
const FEATURE_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const
const OPERATORS = [
  'IN', 'NOT_IN', 'STR_ENDS_WITH', 'STR_STARTS_WITH', 'STR_CONTAINS', 'NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT',
  'NUM_LTE', 'DATE_AFTER', 'DATE_BEFORE', 'SEMVER_EQ', 'SEMVER_GT', 'SEMVER_LT', 'SEMVER_GTE', 'SEMVER_LTE',
  'REGEX', 'IN_CIDR',
] as const

const constraintSchema = z
  .object({
    contextName: z.string().min(1),
    operator: z.enum(OPERATORS),
    values: z.array(z.string()).default([]),
    value: z.string().optional(),
    inverted: z.boolean().default(false),
    caseInsensitive: z.boolean().default(false),
  })
  .strict()

const variantSchema = z
  .object({
    name: z.string().min(1),
    // Unleash weighs strategy variants in thousandths.
    weight: z.number().int().min(0).max(1000),
    weightType: z.enum(['variable', 'fix']).default('variable'),
    stickiness: z.string().min(1).default('default'),
    payload: z.object({ type: z.enum(['string', 'json', 'csv', 'number']), value: z.string() }).strict().optional(),
  })
  .strict()

const strategySchema = z
  .object({
    name: z.string().min(1),
    title: z.string().optional(),
    disabled: z.boolean().default(false),
    // Unleash stores every parameter as a string ("10", not 10).
    parameters: z.record(z.string(), z.string()).default({}),
    constraints: z.array(constraintSchema).default([]),
    variants: z.array(variantSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.name === 'flexibleRollout') {
      const { rollout, stickiness, groupId } = s.parameters
      if (rollout === undefined || !/^\d+$/.test(rollout) || Number(rollout) > 100)
        ctx.addIssue({ code: 'custom', path: ['parameters', 'rollout'], message: 'expected a whole percentage "0" to "100"' })
      if (!stickiness)
        ctx.addIssue({ code: 'custom', path: ['parameters', 'stickiness'], message: `expected a stickiness field such as "${STICKINESS_FIELD}"` })
      if (!groupId) ctx.addIssue({ code: 'custom', path: ['parameters', 'groupId'], message: 'expected the flag name' })
    }
    if (s.variants.length > 0) {
      const total = s.variants.reduce((n, v) => n + v.weight, 0)
      if (total !== 1000)
        ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant weights must add up to 1000 (got ${total})` })
      const names = s.variants.map((v) => v.name)
      if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant names repeat' })
    }
  })

const environmentSchema = z
  .object({
    name: z.string().min(1),
    enabled: z.boolean(),
    // The order here is the order Unleash evaluates them (sortOrder); the first that matches decides.
    strategies: z.array(strategySchema).min(1, 'at least one strategy: Unleash turns an enabled flag with none on for everyone'),
  })
  .strict()

export const flagFileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"'),
    description: z.string().min(1, 'say what the flag does for product people'),
    type: z.enum(FEATURE_TYPES),
    project: z.string().min(1).default('default'),
    impressionData: z.boolean().default(false),
    environments: z.array(environmentSchema).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const names = f.environments.map((e) => e.name)
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['environments'], message: 'an environment repeats' })
  })

export type FlagDefinition = z.output<typeof flagFileSchema>
export type FlagStrategy = FlagDefinition['environments'][number]['strategies'][number]

/** A flag file that cannot be used, with every reason on its own line. */
export class FlagFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file}: ${issues.join('; ')}`)
    this.name = 'FlagFileError'
  }
}

/** What a directory of flag files says, and a hash of its bytes (the source's version in files mode). */
export type FlagSet = { flags: FlagDefinition[]; version: string }

/**
 * Reads and checks every `*.json` in a directory; throws FlagFileError naming the first bad file.
 * @example const { flags } = await loadFlagDir('flags')
 */
export async function loadFlagDir(dir: string): Promise<FlagSet> {
  return parseFlagFiles(await readFlagFiles(dir))
}

/** The raw files, sorted by name; editors' dotfiles, backups and swap files are not flag files. */
export async function readFlagFiles(dir: string): Promise<Array<{ file: string; text: string }>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  return Promise.all(names.map(async (file) => ({ file, text: await readFile(join(dir, file), 'utf8') })))
}

export function parseFlagFiles(files: Array<{ file: string; text: string }>): FlagSet {
  const hash = createHash('sha256')
  const flags: FlagDefinition[] = []
  const seen = new Map<string, string>()
  for (const { file, text } of files) {
    hash.update(file).update('\0').update(text).update('\0')
    const flag = parseFlagFile(file, text)
    const other = seen.get(flag.name)
    if (other) throw new FlagFileError(file, [`flag ${flag.name} is also defined in ${other}`])
    seen.set(flag.name, file)
    flags.push(flag)
  }
  return { flags, version: `files:${hash.digest('hex').slice(0, 12)}` }
}

export function parseFlagFile(file: string, text: string): FlagDefinition {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new FlagFileError(file, [`invalid JSON: ${(err as Error).message}`])
  }
  const parsed = flagFileSchema.safeParse(json)
  if (!parsed.success)
    throw new FlagFileError(
      file,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`),
    )
  // One flag per file, named after it, so `git log flags/org.reads.json` is the flag's history.
  if (file.replace(/\.json$/, '') !== parsed.data.name)
    throw new FlagFileError(file, [`name ${JSON.stringify(parsed.data.name)} must match the file name`])
  return parsed.data
}

/**
 * The flags as Unleash's client API would serve them for one environment: what unleash-client bootstraps from.
 * A flag without that environment is absent (evaluates off); disabled strategies are left out as the server does.
 */
export function toClientFeatures(flags: FlagDefinition[], environment: string): ClientFeaturesResponse {
  return {
    version: 2,
    features: flags.flatMap((flag) => {
      const env = flag.environments.find((e) => e.name === environment)
      if (!env) return []
      return [
        {
          name: flag.name,
          type: flag.type,
          project: flag.project,
          description: flag.description,
          enabled: env.enabled,
          stale: false,
          impressionData: flag.impressionData,
          // The string unions above are exactly the values of unleash-client's Operator and PayloadType enums.
          strategies: env.strategies
            .filter((s) => !s.disabled)
            .map((s) => ({
              name: s.name,
              parameters: s.parameters,
              constraints: s.constraints.map((c) => ({ ...c })),
              variants: s.variants.map((v) => ({ ...v })),
              segments: [],
            })) as unknown as FeatureInterface['strategies'],
          variants: [],
          dependencies: [],
        },
      ]
    }),
  }
}
