// The load-time checker on its own: it runs exactly the plugin's syntax rules, reports AppSync's error kinds with
// bundle positions, and keeps verdicts (the same text is not linted twice).
import appsync from '@aws-appsync/eslint-plugin';
import { describe, expect, it } from 'vitest';
import { checkAppSyncCode, PLUGIN_SYNTAX_RULES } from './code-check.ts';

describe('checkAppSyncCode', () => {
  it('runs every rule of the plugin’s base (syntax-only) config, and only those', () => {
    const base = (appsync as unknown as { configs: { base: { rules: Record<string, unknown> } } }).configs.base;
    expect([...PLUGIN_SYNTAX_RULES].sort()).toEqual(
      Object.keys(base.rules)
        .map((r) => r.replace('@aws-appsync/', ''))
        .sort(),
    );
  });

  it('accepts plain supported code', () => {
    expect(checkAppSyncCode('export function request(ctx) { return { payload: ctx.args }; }\n')).toEqual([]);
  });

  it('reports unsupported features as LINT_ERROR at their bundle line and column', () => {
    expect(checkAppSyncCode('const a = 1;\nexport function f(x) {\n  while (x) x = 0;\n}\n')).toEqual([
      { errorType: 'LINT_ERROR', line: 3, column: 3, value: 'While statements are not supported.' },
    ]);
  });

  it('reports code that does not parse as PARSER_ERROR', () => {
    const [error, ...rest] = checkAppSyncCode('export function f( {\n');
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ errorType: 'PARSER_ERROR', line: 2 });
  });

  it('returns the kept verdict for a text it has seen', () => {
    const code = `export const n = ${Date.now()};\nsetTimeout(() => n);\n`;
    const first = checkAppSyncCode(code);
    expect(first).toMatchObject([{ value: "'setTimeout' is not defined." }]);
    expect(checkAppSyncCode(code)).toBe(first);
  });
});
