// Operation limits over real HTTP: oversized bodies and documents are refused before parsing, documents over
// depth, alias, directive or cost limits before any backend call, and one request cannot make unbounded calls.
import { getIntrospectionQuery } from 'graphql';
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestScope } from '../src/datasources/types.ts';
import {
  CREATE_MESSAGE,
  MESSAGE_GROUPS,
  MESSAGES,
  send,
  startTestServer,
  type GqlResponse,
  type TestServer,
  type TestUser,
} from './helpers.ts';

// Every request that reached execution, with its backend calls: a refused one must show none.
const scopes: { operationName: string | undefined; calls: RequestScope['calls'] }[] = [];
const record = (scope: RequestScope, operationName: string | undefined) =>
  void scopes.push({ operationName, calls: { ...scope.calls } });
const backendCalls = () => scopes.reduce((n, s) => n + s.calls.dynamodb + s.calls.postgres, 0);

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer({}, { onRequestScope: record });
  user = await server.createUser('limits');
});
afterAll(async () => {
  await server?.stop();
});

async function postRaw(url: string, token: string | null, body: string): Promise<GqlResponse & { headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body,
  });
  return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
}

const gql = (token: string, query: string, variables?: Record<string, unknown>) =>
  postRaw(server.url, token, JSON.stringify({ query, variables }));

/** The query of issue 8: 1,000 aliases of the inbox, each selecting the other user (~77 KB). */
const THOUSAND_INBOXES = `query Flood { ${Array.from(
  { length: 1000 },
  (_, i) => `a${i}: messageGroups(limit: 50) { items { id lastMessage otherUser { handle } } }`,
).join(' ')} }`;

describe('document limits', () => {
  it('refuses the 1,000-alias inbox query with LimitExceeded and no backend call', async () => {
    // With room for its size and tokens, the alias rule is what refuses it, after auth, before execution.
    const roomy = await startTestServer(
      {
        MAX_DOCUMENT_BYTES: '200000',
        MAX_TOKENS: '100000',
        DYNAMODB_TABLE: server.config.dynamodbTable,
        DATA_DIR: server.config.dataDir,
      },
      { onRequestScope: record },
    );
    try {
      const before = scopes.length;
      const res = await postRaw(roomy.url, user.token, JSON.stringify({ query: THOUSAND_INBOXES }));
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      // Its cost is over the limit as well; each error names its limit.
      expect(res.errors?.map((e) => [e.errorType, e.message])).toEqual([
        ['LimitExceeded', 'The query has 1000 aliases; at most 15 are allowed.'],
        ['LimitExceeded', "The query's estimated cost is 17375; at most 1000 is allowed (fewer fields or levels)."],
      ]);
      expect(res.errors?.[0]?.extensions).toMatchObject({ errorType: 'LimitExceeded' });
      expect(scopes.slice(before).map((s) => s.calls)).toEqual([{ dynamodb: 0, postgres: 0 }]);
    } finally {
      await roomy.stop();
    }
    // With the defaults it is already over the document size: refused before it is even parsed.
    const before = backendCalls();
    const res = await gql(user.token, THOUSAND_INBOXES);
    expect(res.status).toBe(413);
    expect(res.errors?.[0]).toMatchObject({
      errorType: 'PayloadTooLarge',
      message: /^The query is \d+ bytes; at most 65536/,
    });
    // A compact 1,000-alias query under the size limit stops at the token limit.
    const compact = await gql(user.token, `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}:me{id}`).join(' ')} }`);
    expect(compact.status).toBe(400);
    expect(compact.errors?.[0]).toMatchObject({
      errorType: 'LimitExceeded',
      message: 'The query has 6002 tokens; at most 4000 are allowed.',
    });
    expect(backendCalls()).toBe(before);
  });

  it('accepts 15 aliases (the limit) and refuses 16', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { handle }`).join(' ')} }`;
    const ok = await gql(user.token, aliases(15));
    expect(ok.status).toBe(200);
    expect(ok.errors).toBeUndefined();
    expect(Object.keys(ok.data)).toHaveLength(15);
    const over = await gql(user.token, aliases(16));
    expect(over.status).toBe(400);
    expect(over.errors?.map((e) => [e.errorType, e.message])).toEqual([
      ['LimitExceeded', 'The query has 16 aliases; at most 15 are allowed.'],
    ]);
  });

  it('refuses a 600 KB document with 413 PayloadTooLarge without reading it, in bounded memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const body = JSON.stringify({
      query: `subscription { onInboxMessage { ${Array.from({ length: 60_000 }, (_, i) => `a${i}:id`).join(' ')} } }`,
    });
    expect(body.length).toBeGreaterThan(580_000);
    const first = await postRaw(server.url, user.token, body);
    expect(first.status).toBe(413);
    expect(first.headers.get('connection')).toBe('close');
    expect(first.errors).toEqual([
      expect.objectContaining({
        errorType: 'PayloadTooLarge',
        message: `The request body is ${Buffer.byteLength(body)} bytes; at most 262144 are allowed.`,
      }),
    ]);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50; i += 1) expect((await postRaw(server.url, user.token, body)).status).toBe(413);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown).toBeLessThan(4 * 1024 * 1024);
    // and the server is fine afterwards
    expect((await gql(user.token, '{ me { handle } }')).data.me.handle).toBe(user.handle);
  });

  it('bounds a chunked body (no content-length) while reading it', async () => {
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: user.token },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"query": "{ me { id } }", "variables": { "pad": "');
      // Bounded: 40 chunks of 16 KB is 640 KB, well past the 256 KB limit; stop early once refused.
      let sent = 0;
      const more = () => {
        if (sent++ >= 40 || req.destroyed) return void req.end();
        req.write('x'.repeat(16 * 1024), more);
      };
      more();
    });
    expect(status).toBe(413);
  });

  it('refuses a document over the document size (under the body size) naming its bytes', async () => {
    const query = `{ me { id } }${' '.repeat(100_000)}`;
    const res = await gql(user.token, query);
    expect(res.status).toBe(413);
    expect(res.errors?.map((e) => [e.errorType, e.message])).toEqual([
      ['PayloadTooLarge', 'The query is 100013 bytes; at most 65536 are allowed.'],
    ]);
  });

  it('refuses deep nesting, many directives and a high cost with LimitExceeded (400), before execution', async () => {
    const before = backendCalls();
    // Our schema is 4 levels deep at most; introspection by __type can go deeper (only __schema is exempt).
    const deep = await gql(
      user.token,
      '{ __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.errors?.map((e) => [e.errorType, e.message])).toEqual([
      ['LimitExceeded', 'The query is 11 levels deep; at most 10 are allowed.'],
    ]);
    const directives = await gql(user.token, `{ me { id ${'__typename @include(if: true) '.repeat(21)}} }`);
    expect(directives.status).toBe(400);
    expect(directives.errors?.map((e) => [e.errorType, e.message])).toEqual([
      ['LimitExceeded', 'The query has 21 directives; at most 20 are allowed.'],
    ]);
    // One fragment spread 40 times: one selection to execute, 40 to validate and walk.
    const costly = await gql(
      user.token,
      `{ messages(messageGroupUuid: "g") { items { ${'...M '.repeat(40)}} } } fragment M on Message { id messageGroupUuid body createdAt clientMessageId memberIds cursor sender { id handle displayName } }`,
    );
    expect(costly.status).toBe(400);
    expect(costly.errors?.map((e) => [e.errorType, e.message])).toEqual([
      ['LimitExceeded', "The query's estimated cost is 2051; at most 1000 is allowed (fewer fields or levels)."],
    ]);
    expect(backendCalls()).toBe(before);
  });

  it('applies a configured depth limit', async () => {
    const shallow = await startTestServer({
      MAX_QUERY_DEPTH: '3',
      DYNAMODB_TABLE: server.config.dynamodbTable,
      DATA_DIR: server.config.dataDir,
    });
    try {
      const res = await shallow.gql(user.token, '{ messageGroups { items { otherUser { id } } } }');
      expect(res.status).toBe(400);
      expect(res.errors?.map((e) => [e.errorType, e.message])).toEqual([
        ['LimitExceeded', 'The query is 4 levels deep; at most 3 are allowed.'],
      ]);
      expect((await shallow.gql(user.token, '{ messageGroups { items { id } } }')).status).toBe(200);
    } finally {
      await shallow.stop();
    }
  });

  it('answers the full introspection query (GraphiQL asks for every option)', async () => {
    const res = await gql(
      user.token,
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
    expect(res.data.__schema.types.map((t: { name: string }) => t.name)).toContain('MessageGroup');
  });

  it('passes every operation of test/helpers.ts', async () => {
    const other = await server.createUser('limits_peer');
    const sent = await send(server, user, { handle: other.handle, body: 'within limits' });
    const create = await gql(user.token, CREATE_MESSAGE, {
      input: { messageGroupUuid: sent.messageGroupUuid, body: 'again', clientMessageId: 'limits-1' },
    });
    expect(create.errors).toBeUndefined();
    const messages = await gql(user.token, MESSAGES, { g: sent.messageGroupUuid, limit: 100 });
    expect(messages.errors).toBeUndefined();
    expect(messages.data.messages.items).toHaveLength(2);
    const groups = await gql(user.token, MESSAGE_GROUPS, { limit: 100 });
    expect(groups.errors).toBeUndefined();
    expect(groups.data.messageGroups.items[0].otherUser.handle).toBe(other.handle);
  });

  it('refuses a batched (array) body: batching is off', async () => {
    const before = scopes.length;
    const res = await postRaw(
      server.url,
      user.token,
      JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { handle } }' }]),
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/batching disabled/i);
    expect(scopes.length).toBe(before);
  });
});

describe('backend-call budget', () => {
  it('15 inbox aliases (the most allowed) fit the default budget of 50 calls', async () => {
    const query = `query Fifteen { ${Array.from({ length: 15 }, (_, i) => `a${i}: messageGroups { items { id otherUser { handle } } }`).join(' ')} }`;
    const res = await gql(user.token, query);
    expect(res.errors).toBeUndefined();
    const calls = scopes.findLast((s) => s.operationName === 'Fifteen')!.calls;
    expect(calls.dynamodb).toBe(15);
  });

  it('over MAX_BACKEND_CALLS a field gets LimitExceeded and its call is not made', async () => {
    const tight = await startTestServer(
      { MAX_BACKEND_CALLS: '3', DYNAMODB_TABLE: server.config.dynamodbTable, DATA_DIR: server.config.dataDir },
      { onRequestScope: record },
    );
    try {
      const query = `query Five { ${Array.from({ length: 5 }, (_, i) => `a${i}: messageGroups { items { id } }`).join(' ')} }`;
      const res = await tight.gql(user.token, query);
      expect(res.status).toBe(200);
      // One identity lookup (shared by all five) and two inbox queries make the 3 calls; the third inbox query
      // is refused without a call, and so are the two after it (the roots are non-null: data is null).
      expect(res.data).toBeNull();
      expect(res.errors?.length).toBeGreaterThanOrEqual(1);
      for (const error of res.errors!) {
        expect(error.errorType).toBe('LimitExceeded');
        expect(error.message).toBe(
          'This request reached its limit of 3 database calls; ask for fewer fields or aliases per request.',
        );
      }
      expect(res.errors![0]!.path).toEqual(['a2']);
      expect(scopes.findLast((s) => s.operationName === 'Five')!.calls).toEqual({ dynamodb: 2, postgres: 1 });
    } finally {
      await tight.stop();
    }
  });
});
