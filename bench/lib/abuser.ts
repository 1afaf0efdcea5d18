// R18's abuser, a process of its own: one signed-in user running the attacks of the "safe to expose" issue at full
// speed against one API (1,000-alias queries, oversized and token-heavy documents over HTTP and WebSocket, forged
// tokens, sockets that stop reading), until --seconds have passed. Loopback only; every loop is bounded in time.
// Prints a JSON line of counts by outcome when it ends.
import http from 'node:http';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    group: { type: 'string' },
    seconds: { type: 'string', default: '10' },
  },
});
const url = new URL(values.url ?? '');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('the abuser targets loopback only');
const token = values.token ?? '';
const end = Date.now() + Number(values.seconds) * 1000;
const outcomes: Record<string, number> = {};
const count = (what: string) => void (outcomes[what] = (outcomes[what] ?? 0) + 1);

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function post(body: string, authorization: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
const ALIAS_BOMB = JSON.stringify({ query: `{ ${aliases(1000, 'messageGroups { items { id } }')} }` });
const HUGE = JSON.stringify({ query: `{ ${aliases(60_000, 'me { id }')} }` });

async function httpLoop(body: string, authorization: string, label: string): Promise<void> {
  while (Date.now() < end) count(`${label}:${await post(body, authorization)}`);
}

/** Distinct token-heavy subscribe documents on one socket, reconnecting whenever the server closes it. */
async function documentLoop(): Promise<void> {
  let n = 0;
  while (Date.now() < end) {
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(url.href.replace(/^http/, 'ws'), 'graphql-transport-ws');
      const stop = setTimeout(() => ws.terminate(), Math.max(0, end - Date.now()));
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: token } })));
      ws.on('message', (data) => {
        const type = (JSON.parse(data.toString()) as { type: string }).type;
        count(`ws:${type}`);
        if (Date.now() >= end) return ws.terminate();
        n += 1;
        const query = `subscription S${n} { onInboxMessage { ${aliases(10_000, 'id')} } }`;
        ws.send(JSON.stringify({ id: String(n), type: 'subscribe', payload: { query } }));
      });
      ws.on('error', () => undefined);
      ws.on('close', (code) => {
        count(`ws-close:${code}`);
        clearTimeout(stop);
        resolve();
      });
    });
  }
}

/** Sockets that subscribe to the attacker's own conversation and never read again. */
function pausedSubscribers(n: number): WebSocket[] {
  return Array.from({ length: n }, () => {
    const ws = new WebSocket(url.href.replace(/^http/, 'ws'), 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: token } })));
    ws.once('message', () => {
      for (let i = 0; i < 100; i += 1)
        ws.send(
          JSON.stringify({
            id: `p${i}`,
            type: 'subscribe',
            payload: {
              query: 'subscription P($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }',
              variables: { g: values.group },
            },
          }),
        );
      setTimeout(() => (ws as unknown as { _socket?: { pause(): void } })._socket?.pause(), 500);
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => count(`paused-close:${code}`));
    return ws;
  });
}

async function sendLoop(): Promise<void> {
  const body = (i: number) =>
    JSON.stringify({
      query: 'mutation($i: CreateMessageInput!) { createMessage(input: $i) { id body } }',
      variables: { i: { messageGroupUuid: values.group, body: `flood ${i} `.padEnd(1000, 'x') } },
    });
  for (let i = 0; Date.now() < end; i += 1) count(`send:${await post(body(i), `Bearer ${token}`)}`);
}

const paused = values.group ? pausedSubscribers(10) : [];
await Promise.all([
  ...Array.from({ length: 3 }, () => httpLoop(ALIAS_BOMB, `Bearer ${token}`, 'aliases')),
  httpLoop(HUGE, `Bearer ${token}`, 'huge'),
  httpLoop(JSON.stringify({ query: '{ me { id } }' }), 'Bearer not.a.token', 'forged'),
  documentLoop(),
  ...(values.group ? [sendLoop()] : []),
]);
for (const ws of paused) ws.terminate();
agent.destroy();
console.log(JSON.stringify(outcomes));
process.exit(0);
