// Shorthands for the comparison tests: compile rules, compare two bodies, list differences compactly.
import { compare, compileRules, type Comparison, type CompareRulesInput } from '../../src/compare/index.js'

export function diff(
  legacy: unknown,
  candidate: unknown,
  rules: CompareRulesInput = {},
  status: [number, number] = [200, 200],
): Comparison {
  return compare({ status: status[0], body: legacy }, { status: status[1], body: candidate }, compileRules(rules))
}

/** `path kind` lines, with ` (expected: reason)` when expected: easy to read in a failing assertion. */
export function lines(c: Comparison): string[] {
  return c.differences.map((d) => `${d.path} ${d.kind}${d.expected ? ` (expected: ${d.reason})` : ''}`)
}
