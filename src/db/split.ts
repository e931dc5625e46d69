// Splits a SQL script into statements for the migrations that must run outside a transaction (one
// statement per round trip, e.g. CREATE INDEX CONCURRENTLY), without a parser dependency.

/**
 * Splits on top-level semicolons. A semicolon does not end a statement inside a '…' string (including
 * E'…' with backslash escapes), a "…" identifier, a $tag$…$tag$ body, a -- comment or a (nested)
 * block comment. Statements that hold only whitespace and comments are dropped.
 * @example splitStatements("CREATE INDEX CONCURRENTLY a ON t (x);\nSELECT ';';") // two statements
 */
export function splitStatements(script: string): string[] {
  const out: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  while (i < n) {
    const c = script[i]!
    const next = script[i + 1]
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(script, i)
    } else if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1]!) && (i < 2 || !/[\w$]/.test(script[i - 2]!))
      i = skipQuoted(script, i, "'", escapes)
    } else if (c === '"') {
      i = skipQuoted(script, i, '"', false)
    } else if (c === '$' && (i === 0 || !/[\w$]/.test(script[i - 1]!))) {
      const tag = /^\$([A-Za-z_][\w]*)?\$/.exec(script.slice(i, i + 64))
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length)
        i = close === -1 ? n : close + tag[0].length
      } else i++
    } else if (c === ';') {
      push(out, script.slice(start, i))
      start = i + 1
      i++
    } else i++
  }
  push(out, script.slice(start))
  return out
}

function push(out: string[], statement: string): void {
  if (stripComments(statement).trim() !== '') out.push(statement.trim())
}

function skipBlockComment(s: string, from: number): number {
  let depth = 0
  let i = from
  while (i < s.length) {
    if (s[i] === '/' && s[i + 1] === '*') {
      depth++
      i += 2
    } else if (s[i] === '*' && s[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else i++
  }
  return s.length
}

/** Index just past the closing quote; a doubled quote is an escaped one. */
function skipQuoted(s: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1
  while (i < s.length) {
    const c = s[i]
    if (backslashEscapes && c === '\\') i += 2
    else if (c === quote && s[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return s.length
}

function stripComments(s: string): string {
  return s.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '')
}
