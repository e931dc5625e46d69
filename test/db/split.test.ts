// The statement splitter of no-transaction migrations: semicolons inside quotes, bodies and comments
// never split a statement.
import { describe, expect, it } from 'vitest'
import { splitStatements } from '../../src/db/split.js'

describe('splitStatements', () => {
  it('splits on top-level semicolons and drops empty statements', () => {
    expect(splitStatements('select 1;\n\nselect 2 ;;\n-- only a comment;\n')).toEqual(['select 1', 'select 2'])
  })

  it('keeps semicolons inside strings, identifiers, dollar bodies and comments', () => {
    const script = [
      `select 'a;b', 'it''s;', E'x\\';y', "we;ird" from t;`,
      `do $body$ begin perform 1; end $body$;`,
      `create function f() returns int language sql as $$ select 1; $$;`,
      `/* block; /* nested; */ still; */ select 3;`,
      `select 4 -- trailing; comment`,
    ].join('\n')
    expect(splitStatements(script)).toEqual([
      `select 'a;b', 'it''s;', E'x\\';y', "we;ird" from t`,
      `do $body$ begin perform 1; end $body$`,
      `create function f() returns int language sql as $$ select 1; $$`,
      `/* block; /* nested; */ still; */ select 3`,
      `select 4 -- trailing; comment`,
    ])
  })

  it('does not take a $n parameter or an identifier with $ for a dollar quote', () => {
    expect(splitStatements('select $1; select a$b$c from t;')).toEqual(['select $1', 'select a$b$c from t'])
  })
})
