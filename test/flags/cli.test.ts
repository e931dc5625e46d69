// `npm run flags`: one clear line and a non-zero exit for anything wrong, before any server is touched.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { run } from '../../src/cli/flags.js'
import { tempFlagsDir, writeRaw } from './helpers.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await run(args, { env, out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out, err }
}

describe('flags CLI arguments', () => {
  it.each([
    [[], /missing command/],
    [['bogus'], /unknown command "bogus"/],
    [['diff', '--bogus'], /Unknown option '--bogus'/],
    [['diff', 'extra'], /unexpected argument "extra"/],
    [['diff'], /missing --url \(or UNLEASH_ADMIN_URL\)/],
    [['diff', '--url', 'localhost:4242', '--token', 't'], /--url must be an http\(s\) URL/],
    [['push', '--url', 'http://127.0.0.1:4242'], /missing --token/],
    [['push', '--url', 'http://127.0.0.1:4242', '--token', 't', '--environment', 'staging'], /no such environment/],
    [['push', '--url', 'http://127.0.0.1:4242', '--token', 't', '--via', 'magic'], /--via must be/],
  ])('%j → exit 2 with one line', async (args, message) => {
    const r = await cli(args as string[])
    expect(r.code).toBe(2)
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(message)
    expect(r.out).toHaveLength(0)
  })

  it('takes the server from UNLEASH_ADMIN_URL / UNLEASH_ADMIN_TOKEN and says in one line when it cannot reach it', async () => {
    const r = await cli(['diff'], { UNLEASH_ADMIN_URL: 'http://127.0.0.1:1', UNLEASH_ADMIN_TOKEN: 't' })
    expect(r.code).toBe(2)
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(/^flags: diff failed: /)
  })

  it('check validates flags/ and names a bad file', async () => {
    expect((await cli(['check'])).code).toBe(0)
    const tmp = await tempFlagsDir()
    try {
      await writeRaw(tmp.dir, 'org.reads.json', '{')
      const r = await cli(['check', '--dir', tmp.dir])
      expect(r.code).toBe(2)
      expect(r.err).toHaveLength(1)
      expect(r.err[0]).toContain('org.reads.json: invalid JSON')
    } finally {
      await tmp.remove()
    }
  })

  it('exits non-zero as a process', async () => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/flags.ts', 'bogus'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    )
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})
