// The Postgres data source: runs AppSync RDS requests (createPgStatement / sql) with `pg`. Within one GraphQL
// request, identical read-only statements that differ only in their variables are batched into one round trip;
// across requests, results of read-only statements may be served from a read cache (see read-cache.ts).
import DataLoader from 'dataloader';
import type pg from 'pg';
import type { DataSource, DataSourceLogger, DataSourceOutcome, RequestScope } from '../types.ts';
import { describeForLog, postgresError } from './errors.ts';
import {
  columnTypeFor,
  compileStatement,
  isReadOnlySelect,
  parameterValue,
  rewritePlaceholders,
  UnknownVariableError,
} from './statement.ts';
import { toStatementResult, type RdsResponse } from './rds-response.ts';
import { isCacheable, type ReadCache } from './read-cache.ts';
import { ErrorType } from '../../runtime/errors.ts';

interface RdsRequest {
  readonly statements: string[];
  readonly variableMap: Record<string, unknown>;
  readonly variableTypeHintMap: Record<string, string>;
}

export interface PostgresDataSourceOptions {
  readonly name: string;
  readonly pool: pg.Pool;
  /** Batch identical SELECTs per request (default true); benchmarks turn it off to measure the difference. */
  readonly batching?: boolean;
  /** Gets Postgres's own error text, which callers never see (default console). */
  readonly logger?: DataSourceLogger;
  /** Serve repeated reads from here; invalidated by every write through this data source and by its owner. */
  readonly readCache?: ReadCache;
}

/** A read worth remembering has rows: "no such user" must not outlive the sign-up that follows it. */
const hasRows = (response: RdsResponse) => response.sqlStatementResults.every((r) => r.records.length > 0);

function validate(request: unknown): RdsRequest | string {
  const r = request as Partial<RdsRequest> | null;
  if (!r || typeof r !== 'object') return 'The request handler must return an RDS request object';
  if (!Array.isArray(r.statements) || r.statements.length < 1 || r.statements.length > 2) {
    return 'statements must be an array of 1 or 2 SQL strings (use createPgStatement)';
  }
  if (!r.statements.every((s) => typeof s === 'string' && s.trim() !== ''))
    return 'every statement must be a non-empty string';
  return {
    statements: r.statements,
    variableMap: r.variableMap ?? {},
    variableTypeHintMap: r.variableTypeHintMap ?? {},
  };
}

export function createPostgresDataSource(options: PostgresDataSourceOptions): DataSource {
  const { pool, name } = options;
  const batching = options.batching ?? true;
  const logger = options.logger ?? console;

  async function runStatements(request: RdsRequest, scope: RequestScope): Promise<RdsResponse> {
    const results = [];
    // Two statements run in one transaction, as the RDS Data API runs them in one call.
    const client = request.statements.length > 1 ? await pool.connect() : pool;
    try {
      if (request.statements.length > 1) await client.query('BEGIN');
      for (const statement of request.statements) {
        const compiled = compileStatement(statement, request.variableMap, request.variableTypeHintMap);
        scope.calls.postgres += 1;
        const res = await client.query({ text: compiled.text, values: compiled.values });
        const columns = (res.fields ?? []).map((f) => f.name);
        results.push(toStatementResult(columns, res.rows ?? [], res.command === 'SELECT' ? 0 : (res.rowCount ?? 0)));
      }
      if (request.statements.length > 1) await client.query('COMMIT');
    } catch (error) {
      if (request.statements.length > 1) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (client !== pool) (client as pg.PoolClient).release();
    }
    return { sqlStatementResults: results };
  }

  /** N reads with the same SQL text → one query: a VALUES list of their variables joined LATERAL to the SQL. */
  async function runBatch(requests: readonly RdsRequest[], scope: RequestScope): Promise<RdsResponse[]> {
    const first = requests[0] as RdsRequest;
    const sql = first.statements[0] as string;
    const names: string[] = [];
    const inner = rewritePlaceholders(sql, (variable) => {
      if (!names.includes(variable)) names.push(variable);
      return `b."${variable.slice(1)}"`;
    });
    const values: unknown[] = [];
    const rows = requests.map((request, index) => {
      const cells = [`$${values.push(index)}::int`];
      for (const variable of names) {
        const hint = request.variableTypeHintMap[variable];
        const value = request.variableMap[variable];
        cells.push(`$${values.push(parameterValue(value, hint))}::${columnTypeFor(first.variableMap[variable], hint)}`);
      }
      return `(${cells.join(', ')})`;
    });
    const columns = ['__idx', ...names.map((v) => `"${v.slice(1)}"`)].join(', ');
    const text =
      `SELECT b.__idx, (SELECT coalesce(json_agg(r), '[]'::json) FROM (${inner}) r) AS rows ` +
      `FROM (VALUES ${rows.join(', ')}) AS b(${columns})`;
    scope.calls.postgres += 1;
    const res = await pool.query({ text, values });
    const byIndex = new Map<number, Record<string, unknown>[]>();
    for (const row of res.rows as { __idx: number; rows: Record<string, unknown>[] }[])
      byIndex.set(row.__idx, row.rows);
    return requests.map((_, index) => {
      const found = byIndex.get(index) ?? [];
      const cols = found[0] ? Object.keys(found[0]) : [];
      return { sqlStatementResults: [toStatementResult(cols, found, 0)] };
    });
  }

  const requestKey = (r: RdsRequest) => JSON.stringify([r.statements, r.variableMap, r.variableTypeHintMap]);
  const cache = options.readCache;

  async function run(request: RdsRequest, scope: RequestScope): Promise<RdsResponse> {
    const batchable = batching && request.statements.length === 1 && isReadOnlySelect(request.statements[0]!);
    return batchable ? await loaderFor(scope).load(request) : await runStatements(request, scope);
  }

  /** Through the read cache when the statement may be cached; any other statement may write, so it invalidates. */
  async function runCached(request: RdsRequest, scope: RequestScope, readCache: ReadCache): Promise<RdsResponse> {
    if (!isCacheable(request.statements)) {
      try {
        return await run(request, scope);
      } finally {
        readCache.invalidate();
      }
    }
    const key = requestKey(request);
    const hit = readCache.get(key) as RdsResponse | undefined;
    if (hit) return hit;
    const generation = readCache.generation();
    const response = await run(request, scope);
    if (hasRows(response)) readCache.set(key, generation, response);
    return response;
  }

  function loaderFor(scope: RequestScope): DataLoader<RdsRequest, RdsResponse, string> {
    let loader = scope.perDataSource.get(name) as DataLoader<RdsRequest, RdsResponse, string> | undefined;
    if (loader) return loader;
    loader = new DataLoader<RdsRequest, RdsResponse, string>(
      async (requests) => {
        const groups = new Map<string, number[]>();
        requests.forEach((request, index) => {
          const key = request.statements[0] as string;
          groups.set(key, [...(groups.get(key) ?? []), index]);
        });
        const out: (RdsResponse | Error)[] = new Array(requests.length);
        await Promise.all(
          [...groups.values()].map(async (indexes) => {
            try {
              const batch = indexes.map((i) => requests[i] as RdsRequest);
              const results =
                batch.length === 1
                  ? [await runStatements(batch[0] as RdsRequest, scope)]
                  : await runBatch(batch, scope);
              indexes.forEach((i, k) => (out[i] = results[k] as RdsResponse));
            } catch (error) {
              for (const i of indexes) out[i] = error instanceof Error ? error : new Error(String(error));
            }
          }),
        );
        return out;
      },
      // Same statement and variables within one request → one execution (e.g. the caller's identity lookup).
      { cacheKeyFn: requestKey },
    );
    scope.perDataSource.set(name, loader);
    return loader;
  }

  return {
    name,
    kind: 'RELATIONAL_DATABASE',
    async invoke(request, scope): Promise<DataSourceOutcome> {
      const checked = validate(request);
      if (typeof checked === 'string') return { error: { type: ErrorType.MappingTemplate, message: checked } };
      try {
        const result = cache ? await runCached(checked, scope, cache) : await run(checked, scope);
        return { result };
      } catch (error) {
        if (error instanceof UnknownVariableError)
          return { error: { type: ErrorType.MappingTemplate, message: error.message } };
        const outcome = postgresError(error);
        const log = outcome.type === 'Postgres:ServiceUnavailable' ? logger.warn : logger.error;
        log.call(logger, `[cruddur] ${name}: Postgres statement failed`, {
          reqId: scope.requestId,
          ...describeForLog(error),
        });
        return { error: outcome };
      }
    },
  };
}
