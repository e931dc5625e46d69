// Switches a flag on or off where the proxy reads its flags: the flag file in FLAGS_DIR (the files
// source watches it) or, with UNLEASH_URL set, Unleash through its admin API (UNLEASH_ADMIN_URL and
// UNLEASH_ADMIN_TOKEN, as `npm run flags` uses them) plus the same edit in flags/, so the reviewed files
// and the server keep agreeing and a later `npm run flags -- push` does not undo the step.
import { access, constants, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig } from '../config/index.js'
import { client, enc } from '../flags/admin-api.js'
import { parseFlagFile, type FlagName } from '../flags/index.js'

export type FlagSwitch = {
  /** Where the switch acts, for the report. */
  describe(): string
  /** Null when it can switch; else one line saying what to do instead. */
  unavailable(flag: FlagName): Promise<string | null>
  set(flag: FlagName, on: boolean, log: (line: string) => void): Promise<void>
}

/**
 * The switch of the proxy's configuration (env as the proxy reads it).
 * @example await configuredFlagSwitch().set('org.dual-write', false, console.log)
 */
export function configuredFlagSwitch(env: Record<string, string | undefined> = process.env): FlagSwitch {
  const config = loadConfig(env)
  const dir = config.FLAGS_DIR
  const environment = config.UNLEASH_ENVIRONMENT
  const admin = env.UNLEASH_ADMIN_URL && env.UNLEASH_ADMIN_TOKEN ? { url: env.UNLEASH_ADMIN_URL, token: env.UNLEASH_ADMIN_TOKEN } : null
  const file = (flag: FlagName) => join(dir, `${flag}.json`)
  return {
    describe: () => (config.UNLEASH_URL ? `Unleash (${admin?.url ?? 'no admin URL'}, environment ${environment}) and ${dir}/` : `${dir}/ (environment ${environment})`),
    async unavailable(flag) {
      if (config.UNLEASH_URL && !admin)
        return `${flag} is served by Unleash (UNLEASH_URL): set UNLEASH_ADMIN_URL and UNLEASH_ADMIN_TOKEN so this step can switch it, or switch it in Unleash and in ${file(flag)} yourself and run the step again`
      try {
        await access(file(flag), constants.R_OK | constants.W_OK)
        await access(dir, constants.W_OK)
        return null
      } catch {
        return `${file(flag)} cannot be written here: run the step where FLAGS_DIR is the proxy's flag directory`
      }
    },
    async set(flag, on, log) {
      const text = await readFile(file(flag), 'utf8')
      // Checked as the proxy checks it, edited as written (no defaults filled in, the diff stays one line).
      const def = parseFlagFile(`${flag}.json`, text)
      const raw = JSON.parse(text) as { environments: { name: string; enabled: boolean }[] }
      const env = raw.environments.find((e) => e.name === environment)
      if (!env) throw new Error(`${file(flag)} has no environment ${environment}`)
      if (admin) {
        const call = client({ url: admin.url, token: admin.token, project: def.project, environments: [environment] })
        await call('POST', `/api/admin/projects/${enc(def.project)}/features/${enc(flag)}/environments/${enc(environment)}/${on ? 'on' : 'off'}`)
        log(`Unleash: ${flag} switched ${on ? 'on' : 'off'} in ${environment}`)
      }
      if (env.enabled !== on) {
        env.enabled = on
        // Temporary file then rename: the watching proxy never reads half a file.
        const temp = join(dir, `.${flag}.json.${process.pid}.tmp`)
        await writeFile(temp, `${JSON.stringify(raw, null, 2)}\n`)
        await rename(temp, file(flag))
      }
      log(`${file(flag)}: ${environment} ${on ? 'enabled' : 'disabled'}${admin ? ' (commit it: flags/ is the reviewed source of Unleash)' : ''}`)
    },
  }
}
