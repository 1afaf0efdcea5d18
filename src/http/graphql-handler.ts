// node:http → Apollo Server: reads the body (bounded), refuses a document over its size or token limit before
// Apollo parses it, copies headers, and writes Apollo's response back. No framework: Apollo's
// executeHTTPGraphQLRequest is the whole integration. Every response carries the request's id (x-request-id, and
// extensions.requestId on its errors); features' HTTP hooks run before the head is written and after the end.
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_DOCUMENT_LIMITS, parseWithLimits, type DocumentLimits } from '../limits/document-limits.ts';
import { createSourceCache } from '../limits/source-cache.ts';
import { createTrace, noteErrorType, elapsed, type RequestTrace } from '../observability/trace.ts';
import type { HttpHooks } from '../plugins/feature.ts';
import type { RequestContext } from '../runtime/context.ts';
import { ErrorType, type KnownErrorType } from '../runtime/errors.ts';
import { REQUEST_ID_HEADER, sendHttpError, type HttpError } from './error-body.ts';

/** A request body carries the document plus variables: room for a document at its limit and ~190 KB more. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface GraphQLHandlerOptions {
  readonly maxBodyBytes?: number;
  readonly documentLimits?: DocumentLimits;
  /** Makes each request's trace (default: an id, no timings). */
  readonly newTrace?: () => RequestTrace;
  /** Features' HTTP hooks, in order. */
  readonly hooks?: readonly HttpHooks[];
}

/** Builds a request's context (auth, rates, budgets) with its trace; rejects with the error Apollo renders. */
export type GraphQLContext = (args: { req: IncomingMessage; trace: RequestTrace }) => Promise<RequestContext>;

/**
 * Apollo renders a failed context (401, 429) itself, before any plugin runs: the request id is added to that
 * body here. Only failures take this path, so the re-parse costs nothing on the hot path.
 */
function stampFailedContext(body: string, trace: RequestTrace): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: Record<string, unknown> }[] };
    for (const error of parsed.errors ?? []) {
      error.extensions = { ...error.extensions, requestId: trace.id };
      noteErrorType(trace, error.extensions.errorType);
    }
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

class BodyTooLarge extends Error {}

/**
 * The body, read with 'data' events: a `for await` over the request built an async iterator and its
 * end-of-stream machinery for every request, the largest Node-internal item in a CPU profile of the API on
 * in-memory data (R6's server). As that loop did,
 * a body over `maxBytes` stops the reading and one that ends early rejects.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      done();
      // Not read further: the 413 goes out with `connection: close`, which ends the socket and what is left of it.
      req.pause();
      reject(new BodyTooLarge());
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new Error('The request ended before its body was complete.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The document a request carries, if any: `query` of a JSON body, or of the URL for GET. */
function documentOf(body: unknown, search: URLSearchParams): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body)) return (body as { query?: unknown }).query;
  return search.get('query') ?? undefined;
}

/** Limit errors (size, tokens) are answered here; a plain syntax error goes on to Apollo, which reports it. */
function limitErrors(result: ReturnType<typeof parseWithLimits>): readonly GraphQLError[] {
  if (!Array.isArray(result)) return [];
  return (result as readonly GraphQLError[]).filter(
    (e) => e.extensions.errorType === ErrorType.PayloadTooLarge || e.extensions.errorType === ErrorType.LimitExceeded,
  );
}

export function createGraphQLHandler(
  apollo: ApolloServer<RequestContext>,
  context: GraphQLContext,
  options: GraphQLHandlerOptions = {},
) {
  const newTrace = options.newTrace ?? (() => createTrace(false));
  const before = (options.hooks ?? []).flatMap((h) => (h.beforeResponse ? [h.beforeResponse] : []));
  const after = (options.hooks ?? []).flatMap((h) => (h.afterResponse ? [h.afterResponse] : []));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits = options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  // ~4 MB at most: a few hundred distinct operations is more than any client set has.
  const checked = createSourceCache({ maxEntries: 500, maxChars: 2_000_000 });
  /** Every error this handler writes itself goes through here: its errorTypes join the trace, hooks run. */
  const refuse = (
    res: ServerResponse,
    trace: RequestTrace,
    status: number,
    errors: readonly HttpError[],
    headers: Record<string, string> = {},
  ) => {
    for (const e of errors) noteErrorType(trace, e.errorType);
    res.statusCode = status;
    for (const hook of before) hook(trace, res);
    sendHttpError(res, status, errors, headers);
  };
  const tooLarge = (res: ServerResponse, trace: RequestTrace, declared?: number) =>
    // `connection: close`: whatever of the body is still coming is not worth reading.
    refuse(
      res,
      trace,
      413,
      [
        {
          message:
            declared === undefined
              ? `The request body is over ${maxBodyBytes} bytes, the most allowed.`
              : `The request body is ${declared} bytes; at most ${maxBodyBytes} are allowed.`,
          errorType: ErrorType.PayloadTooLarge,
        },
      ],
      { connection: 'close' },
    );

  async function respond(req: IncomingMessage, res: ServerResponse, trace: RequestTrace): Promise<void> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge(res, trace, declared);
    let text: string;
    try {
      text = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge(res, trace);
      throw error;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    const contentType = headers.get('content-type') ?? '';
    if (req.method === 'POST' && contentType.includes('json')) {
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return refuse(res, trace, 400, [
          { message: 'The request body is not valid JSON.', errorType: ErrorType.BadRequest },
        ]);
      }
    } else {
      body = text;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The caller is authenticated and charged to its rate first, so a signed-in flood of oversized or invalid
    // documents is refused by the rate limiter (429) rather than lexed at full speed. A failed context (401,
    // 429) is Apollo's to render: the document is then not looked at.
    const contextValue = context({ req, trace });
    const admitted = await contextValue.then(
      () => true,
      () => false,
    );
    // Apollo's own parse has no token limit, so the bounded parse runs first, once per distinct document
    // (a parse is ~40 µs for our inbox query on a loaded machine; a repeat costs a map lookup).
    const document = documentOf(body, url.searchParams);
    if (admitted && typeof document === 'string' && !checked.has(document)) {
      const result = parseWithLimits(document, limits);
      const refused = limitErrors(result);
      if (refused.length > 0) {
        const status = (refused[0]!.extensions.http as { status?: number } | undefined)?.status ?? 400;
        return refuse(
          res,
          trace,
          status,
          refused.map((e) => ({ message: e.message, errorType: e.extensions.errorType as KnownErrorType })),
        );
      }
      // A syntax error is not remembered: Apollo reports it, and a fixed text is a different key.
      if (!Array.isArray(result)) checked.add(document);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => contextValue,
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    for (const hook of before) hook(trace, res);
    if (response.body.kind === 'complete') {
      res.end(admitted ? response.body.string : stampFailedContext(response.body.string, trace));
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const trace = newTrace();
    res.setHeader(REQUEST_ID_HEADER, trace.id);
    // CORS: a page on another origin may read the id to quote, Server-Timing and a 429's wait.
    res.setHeader('access-control-expose-headers', 'x-request-id, server-timing, retry-after');
    try {
      await respond(req, res, trace);
    } catch (error) {
      // The router answers 500 (with this id); the log line and metrics still see the request.
      noteErrorType(trace, ErrorType.InternalFailure);
      for (const hook of after) hook(trace, 500, elapsed(trace));
      throw error;
    }
    for (const hook of after) hook(trace, res.statusCode, elapsed(trace));
  };
}
