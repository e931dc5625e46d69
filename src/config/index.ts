// The environment, checked once at start into a typed config: every bad value is reported on its own
// line, and nothing else in the proxy reads process.env.
import { z } from 'zod'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), 'expected true or false')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))

const intIn = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected a number from ${min} to ${max}`)

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v)
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === ''
    } catch {
      return false
    }
  }, 'expected an http(s) URL without credentials, such as http://127.0.0.1:3000')

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// URL')

const secret = (what: string) => z.string().min(16, `${what} must be at least 16 characters`)

/** What each variable means; README's configuration table is written from the same words. */
export const ENV_DOCS = {
  PORT: 'port the proxy listens on (default 8080)',
  HOST: 'address the proxy binds (default 0.0.0.0)',
  LEGACY_URL: 'the legacy API (gp-api) base URL; unset: the embedded demo runs the legacy stand-in',
  LEGACY_TIMEOUT_MS: 'how long to wait for the legacy response headers before answering 504 (default 30000)',
  LEGACY_CONNECTIONS: 'keep-alive connections to the legacy API (default 128)',
  DATABASE_URL: "PostgreSQL that holds the legacy tables and the proxy's schema; unset: embedded PGlite",
  DATA_DIR: 'where the embedded database keeps its files (unset: in memory)',
  AUTH_SECRET: "the legacy API's JWT secret (HS256); required with LEGACY_URL",
  ADMIN_TOKEN: 'bearer token for /_proxy/* (format label:secret or secret); required with LEGACY_URL',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent (default info)',
  MIGRATE_ON_START: "apply the proxy's pending migrations at start (default true)",
  SHUTDOWN_GRACE_MS: 'on SIGTERM, how long in-flight requests may take before the process exits (default 10000)',
  UNLEASH_URL: 'Unleash API URL (e.g. http://unleash:4242/api); unset: flags/ is evaluated locally',
  UNLEASH_API_TOKEN: 'Unleash backend (client) token; required with UNLEASH_URL',
  UNLEASH_REFRESH_MS: 'how often flags are fetched from Unleash (default 1000)',
  UNLEASH_ENVIRONMENT: 'the Unleash environment whose strategies apply (default production)',
  FLAGS_DIR: 'the flag files (default ./flags)',
  SHADOW_MAX_LOOP_UTILIZATION: 'shadows are skipped while the event loop was busier than this share (0–1, default 0.9; 1 = never)',
} as const

const schema = z
  .object({
    PORT: intIn(0, 65535).default(8080),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    LEGACY_URL: httpUrl.optional(),
    LEGACY_TIMEOUT_MS: intIn(1, 600_000).default(30_000),
    LEGACY_CONNECTIONS: intIn(1, 10_000).default(128),
    DATABASE_URL: postgresUrl.optional(),
    DATA_DIR: z.string().trim().min(1).optional(),
    AUTH_SECRET: secret('AUTH_SECRET').optional(),
    ADMIN_TOKEN: secret('ADMIN_TOKEN').optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    MIGRATE_ON_START: bool.default(true),
    SHUTDOWN_GRACE_MS: intIn(0, 600_000).default(10_000),
    UNLEASH_URL: httpUrl.optional(),
    UNLEASH_API_TOKEN: z.string().trim().min(1).optional(),
    UNLEASH_REFRESH_MS: intIn(100, 3_600_000).default(1000),
    UNLEASH_ENVIRONMENT: z.string().trim().min(1).default('production'),
    FLAGS_DIR: z.string().trim().min(1).default('flags'),
    SHADOW_MAX_LOOP_UTILIZATION: z
      .string()
      .trim()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'expected a share from 0 to 1, such as 0.9')
      .transform(Number)
      .default(0.9),
  })
  .superRefine((env, ctx) => {
    if (env.LEGACY_URL && !env.AUTH_SECRET)
      ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'required when LEGACY_URL is set' })
    if (env.LEGACY_URL && !env.ADMIN_TOKEN)
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'required when LEGACY_URL is set' })
    if (env.UNLEASH_URL && !env.UNLEASH_API_TOKEN)
      ctx.addIssue({ code: 'custom', path: ['UNLEASH_API_TOKEN'], message: 'required when UNLEASH_URL is set' })
    if (env.DATABASE_URL && env.DATA_DIR)
      ctx.addIssue({ code: 'custom', path: ['DATA_DIR'], message: 'only for the embedded database; unset it or DATABASE_URL' })
  })

export type Config = z.output<typeof schema>

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'))
    this.name = 'ConfigError'
  }
}

/**
 * Reads and checks the environment; throws ConfigError with one line per bad variable.
 * @example const config = loadConfig(process.env)
 */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  // An empty variable means "unset", as in most deploy tools' env files.
  const present = Object.fromEntries(
    Object.keys(ENV_DOCS).flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]]] : [])),
  )
  const parsed = schema.safeParse(present)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? 'environment')
    const given = present[key] === undefined ? '' : ` (got ${JSON.stringify(redact(key, present[key]!))})`
    return `${key}: ${issue.message}${given}`
  })
  throw new ConfigError(lines)
}

function redact(key: string, value: string): string {
  return /SECRET|TOKEN|DATABASE_URL/.test(key) ? '…' : value
}
