// One worker thread of the subscriber pool: owns a range of graphql-transport-ws sockets, stamps each incoming
// frame with process.hrtime.bigint(), and reports the stamps of frames matching the main thread's armed matchers.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

export interface SubscriberWorkerData {
  url: string;
  /** Global ids [from, to) of this worker's sockets (for error messages). */
  from: number;
  to: number;
  connectionParams: Record<string, unknown>;
  subscribe: { query: string; variables?: Record<string, unknown> } | null;
  /** Sockets this worker opens at once. */
  connectConcurrency: number;
  /** Per-socket bound on open → ack → subscribed. */
  connectTimeoutMs: number;
}

/** main → worker */
export type ToWorker =
  { type: 'arm'; matchId: number; body: string } | { type: 'disarm'; matchId: number } | { type: 'close' };

/** worker → main */
export type FromWorker =
  | { type: 'ready'; ready: number; failed: number; errors: string[] }
  | { type: 'armed'; matchId: number }
  | { type: 'hits'; matchId: number; timestamps: BigInt64Array }
  | { type: 'closed' };

/** Stamps are batched so 5,000 deliveries cost a few postMessage calls, not 5,000. */
const FLUSH_MS = 5;
/** Frames that arrived before their matcher was armed are kept this long, so arming late cannot lose them. */
const BACKLOG_MS = 5000;
const MAX_ERRORS_REPORTED = 5;

interface Matcher {
  matchId: number;
  needle: Buffer;
  /** Per socket: already counted for this matcher (one stamp per socket). */
  seen: Uint8Array;
  count: number;
  pending: bigint[];
}

interface BacklogEntry {
  socket: number;
  data: Buffer;
  at: bigint;
  /** Wall-clock ms, for pruning. */
  received: number;
}

const port = parentPort;
if (!port) throw new Error('subscriber-worker.ts must run as a worker thread');
const config = workerData as SubscriberWorkerData;
const size = config.to - config.from;
const sockets: (WebSocket | undefined)[] = new Array<WebSocket | undefined>(size);
const matchers = new Map<number, Matcher>();
let backlog: BacklogEntry[] = [];
let flushTimer: NodeJS.Timeout | undefined;
let openCount = 0;
let closing = false;

const post = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  for (const m of matchers.values()) {
    if (m.pending.length === 0) continue;
    const timestamps = BigInt64Array.from(m.pending);
    m.pending = [];
    post({ type: 'hits', matchId: m.matchId, timestamps }, [timestamps.buffer as ArrayBuffer]);
  }
}

function record(m: Matcher, socket: number, at: bigint): void {
  m.seen[socket] = 1;
  m.count++;
  m.pending.push(at);
  // Every live socket of this worker has answered: no reason to wait for the timer.
  if (m.count >= openCount) flush();
  else flushTimer ??= setTimeout(flush, FLUSH_MS);
}

/** The hot path: one Buffer.indexOf per armed matcher, no UTF-8 decode, no JSON.parse. */
function onFrame(socket: number, data: Buffer, at: bigint): void {
  let matched = false;
  for (const m of matchers.values()) {
    if (m.seen[socket] === 0 && data.indexOf(m.needle) !== -1) {
      record(m, socket, at);
      matched = true;
    }
  }
  if (matched) return;
  // Control frames are tiny; anything bigger is a `next` payload that may match a matcher not yet armed.
  if (data.length < 64) {
    onControl(socket, data);
    return;
  }
  const now = Date.now();
  backlog.push({ socket, data, at, received: now });
  // Bounded in age and count; trimming to half the cap keeps the O(n) trim rare (amortised O(1) per frame).
  if (backlog.length > 2 * size || (backlog[0] && now - backlog[0].received > BACKLOG_MS)) {
    backlog = backlog.filter((e) => now - e.received <= BACKLOG_MS).slice(-size);
  }
}

function onControl(socket: number, data: Buffer): void {
  const text = data.toString('utf8');
  if (text.includes('"ping"')) sockets[socket]?.send('{"type":"pong"}');
}

function arm(matchId: number, body: string): void {
  const m: Matcher = { matchId, needle: Buffer.from(body, 'utf8'), seen: new Uint8Array(size), count: 0, pending: [] };
  matchers.set(matchId, m);
  // Frames that beat the arm message here (possible when this thread is busy) still count, with their own stamps.
  const rest: BacklogEntry[] = [];
  for (const e of backlog) {
    if (m.seen[e.socket] === 0 && e.data.indexOf(m.needle) !== -1) record(m, e.socket, e.at);
    else rest.push(e);
  }
  backlog = rest;
  post({ type: 'armed', matchId });
}

/** open → connection_init → connection_ack → subscribe → ping/pong barrier; resolves null when ready, else why not. */
function connect(index: number): Promise<string | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(config.url, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets[index] = ws;
    let settled = false;
    const done = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== null) {
        ws.terminate();
        sockets[index] = undefined;
      } else {
        openCount++;
        // From here on every frame takes the hot path.
        ws.removeAllListeners('message');
        ws.on('message', (data: Buffer) => onFrame(index, data, process.hrtime.bigint()));
        ws.on('close', () => {
          openCount--;
          sockets[index] = undefined;
        });
      }
      resolve(error);
    };
    const timer = setTimeout(() => done(`timed out after ${config.connectTimeoutMs} ms`), config.connectTimeoutMs);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: config.connectionParams })));
    ws.on('error', (err) => done(err.message));
    ws.on('close', (code, reason) => done(`closed ${code} ${reason.toString()}`));
    // Handshake frames are few, so parsing them is fine.
    ws.on('message', (data: Buffer) => {
      let message: { type?: string; payload?: unknown };
      try {
        message = JSON.parse(data.toString('utf8')) as typeof message;
      } catch {
        return done('invalid JSON from server');
      }
      if (message.type === 'ping') ws.send('{"type":"pong"}');
      else if (message.type === 'connection_ack') {
        if (!config.subscribe) return done(null);
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: config.subscribe }));
        // graphql-transport-ws has no subscribe ack; a pong proves the server has at least read the subscribe.
        ws.send('{"type":"ping"}');
      } else if (message.type === 'pong') done(null);
      else if (message.type === 'error') done(`subscribe error: ${JSON.stringify(message.payload)}`);
      else if (message.type === 'complete') done('subscription completed before ready');
    });
  });
}

async function connectAll(): Promise<void> {
  let next = 0;
  let ready = 0;
  const errors: string[] = [];
  // Bounded concurrency: `connectConcurrency` lanes each take the next index until none remain.
  const lane = async () => {
    while (next < size && !closing) {
      const index = next++;
      const error = await connect(index);
      if (error === null) ready++;
      else if (errors.length < MAX_ERRORS_REPORTED) errors.push(`socket ${config.from + index}: ${error}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.connectConcurrency, size) }, lane));
  post({ type: 'ready', ready, failed: size - ready, errors });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'arm') arm(message.matchId, message.body);
  else if (message.type === 'disarm') {
    flush();
    matchers.delete(message.matchId);
  } else if (message.type === 'close') {
    closing = true;
    clearTimeout(flushTimer);
    for (const ws of sockets) ws?.terminate();
    post({ type: 'closed' });
    port.close();
  }
});

void connectAll();
