// node:http → Apollo Server: reads the body (bounded), copies headers, and writes Apollo's response back.
// No framework: Apollo's executeHTTPGraphQLRequest is the whole integration.
import { HeaderMap, type ApolloServer, type ContextFunction } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../runtime/context.ts';

export const MAX_BODY_BYTES = 1_000_000;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export function createGraphQLHandler(
  apollo: ApolloServer<RequestContext>,
  context: ContextFunction<[{ req: IncomingMessage }], RequestContext>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let text: string;
    try {
      text = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendJson(res, 413, {
          errors: [{ message: `Request body over ${MAX_BODY_BYTES} bytes`, errorType: 'BadRequest' }],
        });
        return;
      }
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
        sendJson(res, 400, {
          errors: [
            {
              message: 'The request body is not valid JSON.',
              errorType: 'BadRequest',
              extensions: { errorType: 'BadRequest' },
            },
          ],
        });
        return;
      }
    } else {
      body = text;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context({ req }),
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
