// R10/R11/R13/R14 denominator: a raw `ws` server that broadcasts one pre-serialised `next` frame to every open
// socket per `POST /publish`. It speaks just enough graphql-transport-ws that the same subscriber pool drives it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';
import { isMain, listenOnLoopback, runAsProcess } from './cli.ts';
import { benchMessage } from './fixtures.ts';

/** Publish bodies are a few hundred bytes; a cap keeps a bad client from buffering without bound. */
const MAX_PUBLISH_BYTES = 1 << 20;
const DEFAULT_GROUP = 'bench-group';

export interface WsBroadcastStats {
  connections: number;
  /** `subscribe` messages received (not acted on: every open socket gets every broadcast). */
  subscribes: number;
  rss: number;
  heapUsed: number;
}

export interface WsBroadcastReference {
  /** `http://127.0.0.1:<port>`: POST /publish, GET /stats. */
  url: string;
  /** `ws://127.0.0.1:<port>/graphql` */
  wsUrl: string;
  stats(): WsBroadcastStats;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PUBLISH_BYTES) {
        reject(new Error('publish body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startWsBroadcastReference(options: { port?: number } = {}): Promise<WsBroadcastReference> {
  let subscribes = 0;
  let published = 0;

  const wss = new WebSocketServer({
    noServer: true,
    // Same subprotocol negotiation as graphql-ws: refuse clients that do not offer it.
    handleProtocols: (protocols) => (protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false),
  });
  wss.on('connection', (socket) => {
    // Only control messages arrive here (init, subscribe, ping), so parsing them is off the measured path.
    socket.on('message', (data) => {
      let type: unknown;
      try {
        type = (JSON.parse(String(data)) as { type?: unknown }).type;
      } catch {
        socket.close(4400, 'Invalid message received');
        return;
      }
      if (type === 'connection_init') socket.send('{"type":"connection_ack"}');
      else if (type === 'ping') socket.send('{"type":"pong"}');
      else if (type === 'subscribe') subscribes++;
    });
    socket.on('error', () => socket.terminate());
  });

  const stats = (): WsBroadcastStats => {
    // With --expose-gc, collect first so heap figures reflect live connections, not garbage (R14).
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    return { connections: wss.clients.size, subscribes, rss: memory.rss, heapUsed: memory.heapUsed };
  };

  const publish = async (req: IncomingMessage, res: ServerResponse) => {
    const input = JSON.parse((await readBody(req)) || '{}') as { body?: unknown; messageGroupUuid?: unknown };
    const group = typeof input.messageGroupUuid === 'string' ? input.messageGroupUuid : DEFAULT_GROUP;
    const body = typeof input.body === 'string' ? input.body : `publish ${published}`;
    // Serialised once per publish, then the same string goes to every socket: the cheapest possible fan-out.
    const frame = JSON.stringify({
      id: '1',
      type: 'next',
      payload: { data: { onMessage: benchMessage(group, published++, body) } },
    });
    let delivered = 0;
    for (const socket of wss.clients) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      socket.send(frame);
      delivered++;
    }
    sendJson(res, 200, { delivered });
  };

  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/publish') {
      publish(req, res).catch((err: unknown) => sendJson(res, 400, { error: String(err) }));
    } else if (req.method === 'GET' && req.url === '/stats') {
      sendJson(res, 200, stats());
    } else {
      sendJson(res, 404, { error: 'POST /publish, GET /stats, or WebSocket /graphql' });
    }
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const port = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (isMain(import.meta.url)) await runAsProcess(startWsBroadcastReference);
