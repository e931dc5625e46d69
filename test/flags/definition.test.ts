// The committed flag files, and the checks that refuse a bad one with its file and field named.
import { describe, expect, it } from 'vitest'
import { FLAG, FlagFileError, loadFlagDir, parseFlagFile, toClientFeatures, type FlagDefinition } from '../../src/flags/index.js'
import { summarize } from '../../src/flags/summary.js'
import { FLAGS_DIR } from './helpers.js'

const committed = async () => (await loadFlagDir(FLAGS_DIR)).flags

describe('committed flags/', () => {
  it('has exactly the six flags, each documented, each for production and development', async () => {
    const flags = await committed()
    expect(flags.map((f) => f.name).sort()).toEqual(Object.values(FLAG).sort())
    for (const f of flags) {
      expect(f.description.length).toBeGreaterThan(60)
      expect(f.environments.map((e) => e.name).sort()).toEqual(['development', 'production'])
    }
    expect(flags.find((f) => f.name === FLAG.killSwitch)?.type).toBe('kill-switch')
    expect(flags.find((f) => f.name === FLAG.killSwitch)?.environments.every((e) => !e.enabled)).toBe(true)
  })

  it('rolls staged flags out with live/shadow strategy variants sticky on organizationId, grouped by flag name', async () => {
    for (const f of await committed()) {
      for (const env of f.environments)
        for (const s of env.strategies) {
          expect(s.name).toBe('flexibleRollout')
          expect(s.parameters.groupId).toBe(f.name)
          if (f.name === FLAG.killSwitch) continue
          expect(s.parameters.stickiness).toBe('organizationId')
          for (const v of s.variants) expect(v.stickiness).toBe('organizationId')
        }
      if (f.name === FLAG.killSwitch || f.name === FLAG.dualWrite) continue
      for (const env of f.environments)
        expect(env.strategies.map((s) => s.variants.map((v) => v.name))).toEqual([['live'], ['shadow']])
    }
  })

  it('summarizes the splits product people set', async () => {
    const dev = toClientFeatures(await committed(), 'development').features
    const prod = toClientFeatures(await committed(), 'production').features
    const get = (list: typeof dev, name: string) => summarize(list.find((f) => f.name === name)!)
    expect(get(dev, FLAG.reads)).toMatchObject({ on: 100, split: { off: 0, shadow: 90, live: 10 }, exact: true })
    expect(get(prod, FLAG.reads)).toMatchObject({ on: 100, split: { off: 0, shadow: 100, live: 0 } })
    expect(get(prod, FLAG.voterFilters)).toMatchObject({ enabled: false, on: 0, split: { off: 100 } })
    expect(get(prod, FLAG.dualWrite)).toMatchObject({ on: 100 })
  })
})

describe('a bad flag file', () => {
  const good = async (): Promise<FlagDefinition> => structuredClone((await committed()).find((f) => f.name === FLAG.reads)!)
  const refuse = (flag: unknown, file = 'org.reads.json') => {
    try {
      parseFlagFile(file, typeof flag === 'string' ? flag : JSON.stringify(flag))
    } catch (err) {
      expect(err).toBeInstanceOf(FlagFileError)
      return (err as Error).message
    }
    throw new Error('accepted')
  }

  it('is refused with the file and the field', async () => {
    expect(refuse('{ nope')).toMatch(/^org\.reads\.json: invalid JSON/)
    const f = await good()
    f.environments[0]!.strategies[0]!.parameters.rollout = '150'
    expect(refuse(f)).toMatch(/environments\.0\.strategies\.0\.parameters\.rollout: expected a whole percentage/)
    const g = await good()
    delete g.environments[0]!.strategies[0]!.parameters.stickiness
    expect(refuse(g)).toMatch(/parameters\.stickiness/)
    const h = await good()
    h.environments[0]!.strategies[0]!.variants[0]!.weight = 500
    expect(refuse(h)).toMatch(/variant weights must add up to 1000/)
    const i = await good()
    i.environments[1]!.name = 'production'
    expect(refuse(i)).toMatch(/an environment repeats/)
    const j = await good()
    j.environments[0]!.strategies = []
    expect(refuse(j)).toMatch(/at least one strategy/)
    expect(refuse({ ...(await good()), enabled: true })).toMatch(/Unrecognized key/i)
    expect(refuse(await good(), 'org.other.json')).toMatch(/must match the file name/)
  })
})

describe('toClientFeatures', () => {
  it('gives unleash-client one environment, strategies in file order, disabled ones left out', async () => {
    const f = structuredClone((await committed()).find((x) => x.name === FLAG.reads)!)
    f.environments[0]!.strategies[0]!.disabled = true
    const [feature] = toClientFeatures([f], 'production').features
    expect(feature!.strategies).toHaveLength(1)
    expect(feature!.strategies![0]!.variants![0]!.name).toBe('shadow')
    expect(toClientFeatures([f], 'staging').features).toEqual([])
  })
})
