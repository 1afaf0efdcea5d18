// The resolver runtime on fixture resolvers (test/fixtures/runtime): unit and pipeline flow, stash, prev.result,
// earlyReturn, ctx.error, util.error / appendError / unauthorized, ctx fields, and start-up binding checks.
import { createTrace } from '../src/observability/trace.ts';
import { ApolloServer } from '@apollo/server';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNoneDataSource } from '../src/datasources/none.ts';
import type { DataSource, RequestScope } from '../src/datasources/types.ts';
import { appendedErrorsPlugin, createErrorFormatter } from '../src/plugins/errors.ts';
import type { RequestContext } from '../src/runtime/context.ts';
import { APPSYNC_EVALUATED_SIZE_LIMIT } from '../src/runtime/evaluated-size.ts';
import { buildSchema } from '../src/runtime/schema.ts';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/runtime');
const broken: DataSource = {
  name: 'broken',
  kind: 'NONE',
  async invoke() {
    return { error: { type: 'DynamoDB:ProvisionedThroughputExceededException', message: 'slow down' } };
  },
};
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

let apollo: ApolloServer<RequestContext>;

beforeAll(async () => {
  const schema = await buildSchema({
    schemaPath: path.join(FIXTURES, 'schema.graphql'),
    resolversDir: path.join(FIXTURES, 'resolvers'),
    dataSources: new Map([['broken', broken]]),
    noneDataSource: createNoneDataSource(),
  });
  const formatError = createErrorFormatter(quiet);
  apollo = new ApolloServer<RequestContext>({ schema, formatError, plugins: [appendedErrorsPlugin(formatError)] });
  await apollo.start();
});

function context(): RequestContext {
  const scope: RequestScope = { perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 } };
  return {
    identity: {
      sub: 'sub-1',
      issuer: 'iss',
      username: 'u',
      claims: {},
      sourceIp: ['127.0.0.1'],
      defaultAuthStrategy: 'ALLOW',
      groups: null,
    },
    headers: { 'x-test': 'header-value' },
    scope,
    appendedErrors: [],
    extensions: { invalidations: [] },
    env: {},
    trace: createTrace(false),
  };
}

async function run(query: string) {
  const res = await apollo.executeOperation({ query }, { contextValue: context() });
  if (res.body.kind !== 'single') throw new Error('expected a single result');
  return res.body.singleResult as { data?: Record<string, any> | null; errors?: Record<string, any>[] };
}

describe('unit resolvers', () => {
  it('passes arguments/args, identity, headers and info, and NONE returns the payload', async () => {
    const res = await run(
      '{ echo(text: "hi") { text fieldName parentTypeName sub header alias: selection nested { text } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.echo).toEqual({
      text: 'hi/hi',
      fieldName: 'echo',
      parentTypeName: 'Query',
      sub: 'sub-1',
      header: 'header-value',
      alias: ['text', 'fieldName', 'parentTypeName', 'sub', 'header', 'alias', 'nested', 'nested/text'],
      nested: { text: 'nested:hi/hi' },
    });
  });

  it('a data-source failure only sets ctx.error; util.error raises it with errorType, data and errorInfo', async () => {
    const res = await run('{ failing }');
    expect(res.data).toEqual({ failing: null });
    expect(res.errors).toMatchObject([
      {
        message: 'wrapped: slow down',
        errorType: 'DynamoDB:ProvisionedThroughputExceededException',
        data: { some: 'data' },
        errorInfo: { info: 1 },
        path: ['failing'],
        extensions: { errorType: 'DynamoDB:ProvisionedThroughputExceededException' },
      },
    ]);
  });

  it('util.appendError keeps the data and adds the error', async () => {
    const res = await run('{ partial }');
    expect(res.data).toEqual({ partial: 'partial-result' });
    expect(res.errors).toMatchObject([
      {
        message: 'kept going after DynamoDB:ProvisionedThroughputExceededException',
        errorType: 'Partial',
        path: ['partial'],
      },
    ]);
  });

  it('util.unauthorized uses AppSync’s wording and errorType', async () => {
    const res = await run('{ denied }');
    expect(res.errors).toMatchObject([
      { message: 'Not Authorized to access denied on type Query', errorType: 'Unauthorized' },
    ]);
  });
});

describe('pipeline resolvers', () => {
  it('threads prev.result and one stash through before, functions and after', async () => {
    const res = await run('{ pipeline(mode: "all") }');
    expect(res.data!.pipeline).toBe(
      'before,1.request:prev=from-before,1.response:result=ds-1,2.request:prev=out-1,2.response:result=ds-2|prev=out-2',
    );
  });

  it('earlyReturn in a function request skips its data source and response, and goes on with the next function', async () => {
    const res = await run('{ pipeline(mode: "next") }');
    expect(res.data!.pipeline).toBe(
      'before,1.request:prev=from-before,2.request:prev=skipped-1,2.response:result=ds-2|prev=out-2',
    );
  });

  it('earlyReturn with skipTo END jumps to the after handler', async () => {
    const res = await run('{ pipeline(mode: "end") }');
    expect(res.data!.pipeline).toBe('before,1.request:prev=from-before|prev=ended-at-1');
  });

  it('earlyReturn in the before handler skips every function', async () => {
    const res = await run('{ skipAll }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.skipAll).toBe('after:early-from-before');
  });
});

describe('AppSync quota on what a handler evaluates to (5 MB)', () => {
  const sized = (bytes: number, at: 'request' | 'response') => run(`{ sized(bytes: ${bytes}, at: "${at}") }`);

  it('returns a response of exactly the limit and fails the field one byte past it, as AppSync does', async () => {
    // A string's JSON is its characters plus two quotes.
    const atLimit = await sized(APPSYNC_EVALUATED_SIZE_LIMIT - 2, 'response');
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data!.sized).toHaveLength(APPSYNC_EVALUATED_SIZE_LIMIT - 2);

    const over = await sized(APPSYNC_EVALUATED_SIZE_LIMIT - 1, 'response');
    expect(over.data).toEqual({ sized: null });
    expect(over.errors).toMatchObject([
      { message: 'Transformation too large', errorType: 'MappingTemplate', path: ['sized'] },
    ]);
  });

  it('fails the field when the request handler evaluates to more, before the data source runs', async () => {
    const over = await sized(APPSYNC_EVALUATED_SIZE_LIMIT, 'request');
    expect(over.data).toEqual({ sized: null });
    expect(over.errors).toMatchObject([{ message: 'Transformation too large', errorType: 'MappingTemplate' }]);
    expect((await sized(10, 'request')).data).toEqual({ sized: 'x'.repeat(10) });
  });
});

describe('start-up binding checks', () => {
  async function bindingError(
    mutate: (dir: string) => void,
    schema = path.join(FIXTURES, 'schema.graphql'),
  ): Promise<string> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-bindings-'));
    cpSync(path.join(FIXTURES, 'resolvers'), dir, { recursive: true });
    mutate(dir);
    try {
      await buildSchema({
        schemaPath: schema,
        resolversDir: dir,
        dataSources: new Map([['broken', broken]]),
        noneDataSource: createNoneDataSource(),
      });
      return 'no error';
    } catch (error) {
      return (error as Error).message;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('names every root field without a resolver', async () => {
    const message = await bindingError((dir) => {
      rmSync(path.join(dir, 'Query.denied.ts'));
      rmSync(path.join(dir, 'Query.pipeline'), { recursive: true });
    });
    expect(message).toMatch(/Query\.denied has no resolver/);
    expect(message).toMatch(/Query\.pipeline has no resolver/);
  });

  it('names orphaned files, unknown data sources and badly named files', async () => {
    const message = await bindingError((dir) => {
      writeFileSync(
        path.join(dir, 'Query.gone.ts'),
        'export function request() { return {}; }\nexport function response() { return null; }\n',
      );
      writeFileSync(
        path.join(dir, 'Echo.text.nowhere.ts'),
        'export function request() { return {}; }\nexport function response() { return null; }\n',
      );
      writeFileSync(path.join(dir, 'not-a-resolver.ts'), '');
    });
    expect(message).toMatch(/Query\.gone\.ts is orphaned/);
    expect(message).toMatch(/Echo\.text\.nowhere\.ts names data source 'nowhere'/);
    expect(message).toMatch(/not-a-resolver\.ts: a resolver file must be named/);
  });

  it('rejects a resolver without a response handler and one importing a non-AppSync module', async () => {
    expect(
      await bindingError((dir) =>
        writeFileSync(path.join(dir, 'Query.denied.ts'), 'export function request() { return {}; }\n'),
      ),
    ).toMatch(/Query\.denied\.ts must export both request\(ctx\) and response\(ctx\)/);
    expect(
      await bindingError((dir) =>
        writeFileSync(
          path.join(dir, 'Query.denied.ts'),
          "import fs from 'node:fs';\nexport function request() { return fs; }\nexport function response() { return null; }\n",
        ),
      ),
    ).toMatch(/only @aws-appsync\/\* modules[\s\S]*Query\.denied\.ts:1: Could not resolve "node:fs"/);
  });
});
