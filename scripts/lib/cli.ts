// Shared plumbing for the npm scripts: argument parsing (node:util parseArgs), --help text, exit codes, and the
// DynamoDB / Postgres clients built from the same environment variables the server reads (src/config.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ConfigError, loadConfig, type Config } from '../../src/config.ts';
import { createDynamoDbClient } from '../../src/datasources/dynamodb/client.ts';

export type EnvName = 'DYNAMODB_ENDPOINT' | 'DYNAMODB_TABLE' | 'AWS_REGION' | 'DATABASE_URL' | 'DATA_DIR';
export type Service = 'dynamodb' | 'postgres';

const ENV_HELP: Record<EnvName, string> = {
  DYNAMODB_ENDPOINT: 'DynamoDB endpoint, e.g. http://localhost:8000 (docker compose)',
  DYNAMODB_TABLE: 'table name (default cruddur-messages)',
  AWS_REGION: 'region for the DynamoDB client (default us-east-1)',
  DATABASE_URL: 'Postgres URL, e.g. postgres://postgres:postgres@localhost:5432/cruddur (docker compose)',
  DATA_DIR: 'directory holding the local dev token signing key (default .data)',
};

const SERVICE_ENV: Record<Service, EnvName> = { dynamodb: 'DYNAMODB_ENDPOINT', postgres: 'DATABASE_URL' };

export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. '<seconds>'. */
  readonly value?: string;
  readonly description: string;
}

export interface CliSpec {
  /** The npm script name, e.g. 'table:create'. */
  readonly name: string;
  /** Positional arguments as shown in help, e.g. ['<handle>']; all are required. */
  readonly positionals?: readonly string[];
  readonly summary: string;
  readonly options?: readonly OptionSpec[];
  /** Services that must be reachable; their variables are checked before the script runs. */
  readonly services?: readonly Service[];
  readonly env: readonly EnvName[];
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CliContext {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  config(): Config;
  /** A DynamoDB client for DYNAMODB_ENDPOINT, closed when the script ends. */
  dynamodb(): DynamoDBClient;
  /** A pg pool for DATABASE_URL, closed when the script ends. */
  postgres(): pg.Pool;
}

/** Bad arguments or environment: exit code 2, as for any CLI usage error. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function helpText(spec: CliSpec): string {
  const args = [...(spec.positionals ?? []), ...(spec.options?.length ? ['[options]'] : [])];
  const usage = `npm run ${spec.name}${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const options = [...(spec.options ?? []), { name: 'help', type: 'boolean', description: 'show this help' } as const];
  const optionRows = options.map((o) => [`--${o.name}${o.value ? ` ${o.value}` : ''}`, o.description] as const);
  const required = new Set((spec.services ?? []).map((s) => SERVICE_ENV[s]));
  const envRows = spec.env.map(
    (name) => [name, `${required.has(name) ? '(required) ' : ''}${ENV_HELP[name]}`] as const,
  );
  return [
    `Usage: ${usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...columns(optionRows),
    '',
    'Environment:',
    ...(envRows.length ? columns(envRows) : ['  (none)']),
    '',
  ].join('\n');
}

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

/** Parses argv strictly; returns null when --help was asked for (it wins over any other problem). */
export function parseCli(
  spec: CliSpec,
  argv: readonly string[],
): { values: OptionValues; positionals: string[] } | null {
  if (argv.includes('--help') || argv.includes('-h')) return null;
  const options = Object.fromEntries((spec.options ?? []).map((o) => [o.name, { type: o.type }]));
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs' messages name the flag ("Unknown option '--x'"); the hint to --help is ours.
    throw new UsageError((error as Error).message.split('. To specify a positional')[0]!);
  }
  const expected = spec.positionals ?? [];
  if (parsed.positionals.length < expected.length)
    throw new UsageError(`missing ${expected.slice(parsed.positionals.length).join(' ')}`);
  if (parsed.positionals.length > expected.length)
    throw new UsageError(`unexpected argument '${parsed.positionals[expected.length]}'`);
  return { values: parsed.values as OptionValues, positionals: parsed.positionals };
}

/** A whole-number option within bounds, or the fallback when absent. */
export function intOption(
  values: OptionValues,
  name: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got '${String(raw)}')`);
  }
  return value;
}

/** Explains why a service variable is needed and how to get a reachable service. */
export function missingServicesMessage(spec: CliSpec, missing: readonly EnvName[]): string {
  return [
    `${spec.name} needs ${missing.join(' and ')} to be set.`,
    '`npm start` runs DynamoDB Local and Postgres embedded in its own process, on ports it picks at start-up:',
    'they are reachable only while it runs, and not from these scripts. Point the script at services it can reach,',
    'for example the ones docker compose publishes:',
    '',
    '  docker compose up -d dynamodb postgres',
    `  DYNAMODB_ENDPOINT=http://localhost:8000 DATABASE_URL=postgres://postgres:postgres@localhost:5432/cruddur npm run ${spec.name}`,
    '',
    '(`npm start` uses those services instead of embedded ones when given the same variables.)',
  ].join('\n');
}

function checkServices(spec: CliSpec, env: NodeJS.ProcessEnv): void {
  const missing = (spec.services ?? []).map((s) => SERVICE_ENV[s]).filter((name) => !env[name]);
  if (missing.length) throw new UsageError(missingServicesMessage(spec, missing));
}

function createContext(
  parsed: { values: OptionValues; positionals: string[] },
  closers: (() => Promise<void>)[],
): CliContext {
  let config: Config | undefined;
  const getConfig = () => (config ??= loadConfig(process.env));
  return {
    ...parsed,
    config: getConfig,
    dynamodb() {
      const { dynamodbEndpoint, awsRegion } = getConfig();
      // The SDK warns on every run that its future versions need Node 22: noise in a script's output, and not
      // something its user can act on. `=false` in the environment brings it back.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      // Scripts wrap it in lib-dynamodb's DocumentClient, which refuses a cached middleware stack (and a script
      // sends a handful of commands: the cache buys nothing here).
      const client = createDynamoDbClient({ endpoint: dynamodbEndpoint, region: awsRegion, cacheMiddleware: false });
      closers.push(async () => client.destroy());
      return client;
    },
    postgres() {
      const pool = new pg.Pool({ connectionString: getConfig().databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
      closers.push(() => pool.end());
      return pool;
    },
  };
}

/**
 * Runs a script: --help (exit 0), usage and configuration errors (exit 2), failures (exit 1). Clients are closed
 * and the process exits explicitly, so a keep-alive socket can never leave a finished script hanging.
 */
export async function runCli(spec: CliSpec, main: (ctx: CliContext) => Promise<void>): Promise<never> {
  const closers: (() => Promise<void>)[] = [];
  let code = 0;
  try {
    const parsed = parseCli(spec, process.argv.slice(2));
    if (parsed === null) {
      process.stdout.write(helpText(spec));
    } else {
      checkServices(spec, process.env);
      await main(createContext(parsed, closers));
    }
  } catch (error) {
    code = error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${spec.name}: ${message}`);
    if (error instanceof UsageError) console.error(`Run 'npm run ${spec.name} -- --help' for usage.`);
  }
  for (const close of closers.reverse()) await close().catch(() => undefined);
  process.exit(code);
}

/** Renders rows as an aligned plain-text table (the last column is not padded). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
