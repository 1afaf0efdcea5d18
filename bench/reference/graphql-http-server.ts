// R6 denominator: graphql-http + graphql-js on node:http, parse and validate cached (LRU by query text), serving
// the API's own schema over the in-memory bench fixtures. Importable, or runnable: `--port N` prints `READY <url>`.
//
// Auth is deliberately not checked: this is the "how fast can a cached GraphQL server on node:http be" bar, so
// it pays for HTTP, graphql-js execution and JSON only. Our API's ratio against it is the cost of everything else.
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  parse as graphqlParse,
  validate as graphqlValidate,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadTypeDefs } from '../../src/runtime/schema.ts';
import { isMain, listenOnLoopback, runAsProcess } from './cli.ts';
import { benchMe, benchMessages, BENCH_USER_A, BENCH_USER_B, type BenchMessage } from './fixtures.ts';

const SCHEMA_PATH = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

/** Messages held per conversation: `limit` is at most 100, so one fixed array serves every page size. */
const MESSAGES_PER_GROUP = 100;
/** Bound on distinct conversations kept in memory, so a run with many group ids cannot grow without limit. */
const MAX_GROUPS = 1000;
/** Bound on cached documents, as in Yoga and Apollo: a client sending endless distinct queries cannot grow it. */
const DOCUMENT_CACHE_SIZE = 1000;

export interface ReferenceStats {
  /** Real `graphql.parse` calls (cache misses). */
  parses: number;
  /** Real `graphql.validate` calls (cache misses). */
  validations: number;
  /** Requests whose query text was already in the cache. */
  cacheHits: number;
}

export interface GraphqlHttpReference {
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  stats: ReferenceStats;
  close(): Promise<void>;
}

const groups = new Map<string, BenchMessage[]>();

function groupMessages(groupUuid: string): BenchMessage[] {
  let messages = groups.get(groupUuid);
  if (!messages) {
    if (groups.size >= MAX_GROUPS) groups.delete(groups.keys().next().value as string);
    messages = benchMessages(groupUuid, MESSAGES_PER_GROUP);
    groups.set(groupUuid, messages);
  }
  return messages;
}

/** Plain resolvers over the fixtures; fields not listed resolve to the property of the same name. */
function buildReferenceSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(SCHEMA_PATH),
    resolvers: {
      Query: {
        me: () => benchMe(),
        user: (_: unknown, args: { handle: string }) =>
          [BENCH_USER_A, BENCH_USER_B].find((u) => u.handle === args.handle) ?? null,
        messageGroups: () => ({ items: [], nextToken: null }),
        messages: (_: unknown, args: { messageGroupUuid: string; limit?: number | null }) => {
          const limit = Math.min(Math.max(args.limit ?? 20, 1), MESSAGES_PER_GROUP);
          return { items: groupMessages(args.messageGroupUuid).slice(0, limit), nextToken: null };
        },
      },
    },
  });
}

interface CacheEntry {
  document: DocumentNode;
  /** Filled by the first validation; the schema and rules never change, so the result holds for the document. */
  errors: readonly GraphQLError[] | undefined;
}

/**
 * graphql-http's `parse` and `validate` hooks, backed by one LRU keyed by query text. `validate` receives the
 * document `parse` returned, so a WeakMap from document to entry finds its cached result without re-keying.
 */
function createDocumentCache(stats: ReferenceStats) {
  const byText = new Map<string, CacheEntry>();
  const byDocument = new WeakMap<DocumentNode, CacheEntry>();
  const parse: typeof graphqlParse = (source, options) => {
    // graphql-http passes the query string; anything else (a Source) bypasses the cache.
    if (typeof source !== 'string') return graphqlParse(source, options);
    const hit = byText.get(source);
    if (hit) {
      stats.cacheHits++;
      // Re-insert to mark as most recently used (Map iteration order is insertion order).
      byText.delete(source);
      byText.set(source, hit);
      return hit.document;
    }
    stats.parses++;
    const document = graphqlParse(source, options); // throws on syntax errors, which are not cached
    const entry: CacheEntry = { document, errors: undefined };
    if (byText.size >= DOCUMENT_CACHE_SIZE) byText.delete(byText.keys().next().value as string);
    byText.set(source, entry);
    byDocument.set(document, entry);
    return document;
  };
  const validate: typeof graphqlValidate = (schema, document, rules, options, typeInfo) => {
    const entry = byDocument.get(document);
    if (entry?.errors) return entry.errors;
    stats.validations++;
    const errors = graphqlValidate(schema, document, rules, options, typeInfo);
    if (entry) entry.errors = errors;
    return errors;
  };
  return { parse, validate };
}

export async function startGraphqlHttpReference(options: { port?: number } = {}): Promise<GraphqlHttpReference> {
  const stats: ReferenceStats = { parses: 0, validations: 0, cacheHits: 0 };
  const { parse, validate } = createDocumentCache(stats);
  const handle = createHandler({ schema: buildReferenceSchema(), parse, validate });
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets (the load generator's) would otherwise hold close() open.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (isMain(import.meta.url)) await runAsProcess(startGraphqlHttpReference);
