// node:http → Apollo Server: reads the body (bounded), refuses a document over its size or token limit before
// Apollo parses it, copies headers, and writes Apollo's response back. No framework: Apollo's
// executeHTTPGraphQLRequest is the whole integration.
import { HeaderMap, type ApolloServer, type ContextFunction } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_DOCUMENT_LIMITS, parseWithLimits, type DocumentLimits } from '../limits/document-limits.ts';
import { createSourceCache } from '../limits/source-cache.ts';
import type { RequestContext } from '../runtime/context.ts';
import { ErrorType, type KnownErrorType } from '../runtime/errors.ts';
import { sendHttpError } from './error-body.ts';

/** A request body carries the document plus variables: room for a document at its limit and ~190 KB more. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface GraphQLHandlerOptions {
  readonly maxBodyBytes?: number;
  readonly documentLimits?: DocumentLimits;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
  context: ContextFunction<[{ req: IncomingMessage }], RequestContext>,
  options: GraphQLHandlerOptions = {},
) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits = options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  // ~4 MB at most: a few hundred distinct operations is more than any client set has.
  const checked = createSourceCache({ maxEntries: 500, maxChars: 2_000_000 });
  const tooLarge = (res: ServerResponse, declared?: number) =>
    // `connection: close`: whatever of the body is still coming is not worth reading.
    sendHttpError(
      res,
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

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge(res, declared);
    let text: string;
    try {
      text = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge(res);
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
        return sendHttpError(res, 400, [
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
    const contextValue = context({ req });
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
        return sendHttpError(
          res,
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
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
