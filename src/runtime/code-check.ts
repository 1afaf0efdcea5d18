// Refuses, at load time, the JavaScript AWS AppSync's APPSYNC_JS runtime refuses: it lints the code AppSync would
// receive (the esbuild bundle) with @aws-appsync/eslint-plugin's syntax rules plus the documented gaps they leave.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Linter, Rule } from 'eslint';

/** One problem, shaped like AppSync's `CodeError` (EvaluateCode / CreateResolver / CreateFunction). */
export interface CodeError {
  /** AppSync's names: a syntax error is PARSER_ERROR, an unsupported feature LINT_ERROR. */
  readonly errorType: 'PARSER_ERROR' | 'LINT_ERROR';
  /** 1-based, in the checked code (the bundle). */
  readonly line: number;
  /** 1-based, in the checked code. */
  readonly column: number;
  readonly value: string;
}

/** AppSync's own summary when CreateResolver/CreateFunction/EvaluateCode refuses code (BadRequestException). */
export const APPSYNC_CODE_ERRORS_MESSAGE = 'The code contains one or more errors.';

/**
 * The rules of the plugin's `base` config: the ones that need no TypeScript program, so they run on plain bundle
 * JavaScript (the type-aware rules — recursion, disallowed methods, function passing/returning — run on the
 * sources in `npm run check`). Loaded one by one: the plugin's index pulls in TypeScript (~0.7 s) for the others.
 * code-check.test.ts fails if this list and the plugin's `base` config part.
 */
export const PLUGIN_SYNTAX_RULES = [
  'no-async',
  'no-await',
  'no-classes',
  'no-for',
  'no-continue',
  'no-generators',
  'no-yield',
  'no-labels',
  'no-regex',
  'no-this',
  'no-try',
  'no-while',
  'no-disallowed-unary-operators',
  'no-disallowed-binary-operators',
  'no-promise',
  'no-disallowed-re-assignment',
  'no-in-operator',
] as const;

// The plugin names one rule differently from its file.
const RULE_FILE: Record<string, string> = { 'no-disallowed-binary-operators': 'no-disallowed-binary-operator' };

// AWS documents these as unsupported, but the plugin's syntax rules miss them; messages follow the plugin's.
const GAPS = [
  { selector: 'ThrowStatement', message: 'Throw statements are not supported.' },
  { selector: 'ClassExpression', message: 'Class declarations are not supported.' },
  { selector: 'FunctionExpression[generator=true]', message: 'Generator functions are not supported.' },
];

// ESLint's ecmaVersion brings in exactly the ECMAScript built-ins; `console` is the one host global AppSync gives
// resolvers (its logs go to CloudWatch). Anything else a browser or Node.js provides (setTimeout, fetch, process,
// require, Buffer, …) is not defined in APPSYNC_JS, so `no-undef` refuses it by name.
const LANGUAGE = { ecmaVersion: 2022, sourceType: 'module', globals: { console: 'readonly' } } as const;

const require = createRequire(import.meta.url);

interface Checker {
  verify(code: string): readonly CodeError[];
}

let checker: Checker | undefined;

/** ESLint and the rules load on the first cache miss only (~0.4 s), not on every start. */
function loadChecker(): Checker {
  if (checker) return checker;
  const { Linter } = require('eslint') as typeof import('eslint');
  const rules: Record<string, Rule.RuleModule> = {};
  for (const name of PLUGIN_SYNTAX_RULES) {
    const mod = require(`@aws-appsync/eslint-plugin/lib/rules/${RULE_FILE[name] ?? name}.js`) as
      Rule.RuleModule | { default: Rule.RuleModule };
    rules[name] = 'default' in mod ? mod.default : mod;
  }
  const config: Linter.Config[] = [
    {
      plugins: { '@aws-appsync': { rules } },
      languageOptions: LANGUAGE,
      rules: {
        ...Object.fromEntries(PLUGIN_SYNTAX_RULES.map((name) => [`@aws-appsync/${name}`, 'error'])),
        'no-undef': 'error',
        'no-restricted-syntax': ['error', ...GAPS],
      },
    },
  ];
  const linter = new Linter({ configType: 'flat' });
  checker = {
    verify: (code) =>
      linter.verify(code, config, { filename: 'code.js' }).map((m): CodeError => ({
        errorType: m.fatal ? 'PARSER_ERROR' : 'LINT_ERROR',
        line: m.line,
        column: m.column,
        value: m.message,
      })),
  };
  return checker;
}

// Verdicts are kept on disk (as ESLint's --cache does), keyed by the code and the package versions, so a start
// whose resolvers have not changed loads no linter at all. Bounded: past MAX_CACHED files the folder is emptied.
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/appsync-code-check/', import.meta.url));
const MAX_CACHED = 2_000;

let fingerprint: string | undefined;

/** Anything that can change a verdict besides the code: both packages' versions and our configuration. */
function checkerFingerprint(): string {
  fingerprint ??= JSON.stringify([
    ['eslint', '@aws-appsync/eslint-plugin'].map(
      (pkg) => (require(`${pkg}/package.json`) as { version: string }).version,
    ),
    PLUGIN_SYNTAX_RULES,
    GAPS,
    LANGUAGE,
  ]);
  return fingerprint;
}

const memo = new Map<string, readonly CodeError[]>();

function cacheFile(code: string): string {
  const key = createHash('sha256').update(checkerFingerprint()).update('\0').update(code).digest('hex');
  return path.join(CACHE_DIR, `${key}.json`);
}

function readCached(file: string): readonly CodeError[] | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CodeError[];
  } catch {
    return undefined;
  }
}

function writeCached(file: string, errors: readonly CodeError[]): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    if (readdirSync(CACHE_DIR).length >= MAX_CACHED) rmSync(CACHE_DIR, { recursive: true, force: true });
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole, then renamed in (atomic): a concurrent start never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(errors));
    renameSync(tmp, file);
  } catch {
    // A read-only or full disk only costs the next start a lint.
  }
}

/** Every problem AppSync's runtime would report for this code, in source order; empty when it would accept it. */
export function checkAppSyncCode(code: string): readonly CodeError[] {
  const known = memo.get(code);
  if (known) return known;
  const file = cacheFile(code);
  let errors = readCached(file);
  if (!errors) {
    errors = loadChecker().verify(code);
    writeCached(file, errors);
  }
  if (memo.size >= MAX_CACHED) memo.clear();
  memo.set(code, errors);
  return errors;
}
