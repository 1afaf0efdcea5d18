import { describe, expect, it } from 'vitest';
import { columnTypeFor, compileStatement, isReadOnlySelect, rewritePlaceholders } from './statement.ts';

describe('compileStatement', () => {
  it('numbers named variables in first-use order, reuses repeats and casts type-hinted ones', () => {
    const compiled = compileStatement(
      'SELECT * FROM users WHERE uuid = :P1 AND (handle = :P0 OR email = :P0)',
      { ':P0': 'x', ':P1': 'u' },
      { ':P1': 'UUID' },
    );
    expect(compiled.text).toBe('SELECT * FROM users WHERE uuid = $1::uuid AND (handle = $2 OR email = $2)');
    expect(compiled.values).toEqual(['u', 'x']);
  });

  it('leaves casts, string literals, quoted identifiers and comments alone', () => {
    const sql = `SELECT ':P0' AS "odd:P0", now()::text -- :P0 here\nFROM t WHERE a = :P0`;
    expect(compileStatement(sql, { ':P0': 1 }, {}).text).toBe(
      `SELECT ':P0' AS "odd:P0", now()::text -- :P0 here\nFROM t WHERE a = $1`,
    );
  });

  it('serialises JSON-hinted values and rejects undefined variables', () => {
    expect(compileStatement('SELECT :P0', { ':P0': { a: 1 } }, { ':P0': 'JSON' }).values).toEqual(['{"a":1}']);
    expect(() => compileStatement('SELECT :P9', {}, {})).toThrow(/:P9/);
  });
});

describe('helpers', () => {
  it('rewritePlaceholders hands each name to the callback', () => {
    const seen: string[] = [];
    expect(rewritePlaceholders('a = :x AND b = :y_2', (n) => (seen.push(n), '?'))).toBe('a = ? AND b = ?');
    expect(seen).toEqual([':x', ':y_2']);
  });

  it('columnTypeFor prefers the hint, then the JS type', () => {
    expect([
      columnTypeFor('a', 'UUID'),
      columnTypeFor(1, undefined),
      columnTypeFor(1.5, undefined),
      columnTypeFor(true, undefined),
      columnTypeFor('s', undefined),
    ]).toEqual(['uuid', 'bigint', 'double precision', 'boolean', 'text']);
  });

  it('isReadOnlySelect only accepts plain reads', () => {
    expect(isReadOnlySelect('  select 1')).toBe(true);
    expect(isReadOnlySelect('WITH x AS (SELECT 1) SELECT * FROM x')).toBe(true);
    expect(isReadOnlySelect('WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x')).toBe(false);
    expect(isReadOnlySelect('INSERT INTO t VALUES (1)')).toBe(false);
  });
});
