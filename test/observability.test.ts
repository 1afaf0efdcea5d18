// Per-phase timing, structured logs and metrics over real HTTP and WebSockets: the Server-Timing header's phases
// are present and plausible, one request's id is the same in its header, its log line and its errors, and the
// Prometheus endpoint's values move when requests run.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapPino } from '../src/observability/logger.ts';
import { CREATE_MESSAGE, MESSAGES, send, startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { connect, until } from './ws-helpers.ts';

/** pino writes each line to this destination: the tests read what an operator would. */
function captureLogs() {
  const lines: Record<string, any>[] = [];
  const logger = wrapPino(pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
  return { lines, logger };
}

async function gqlRaw(url: string, token: string | null, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { res, json: (await res.json()) as any };
}

/** Server-Timing entries as {name, dur, desc}. */
function parseServerTiming(header: string) {
  return header.split(', ').map((part) => {
    const [name, ...params] = part.split(';');
    const dur = Number(params.find((p) => p.startsWith('dur='))?.slice(4));
    const desc = params.find((p) => p.startsWith('desc='))?.slice(6, -1);
    return { name: name!, dur, desc };
  });
}

/** One sample's value from the Prometheus exposition text (0 when the series does not exist yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return 0;
}

describe('with SERVER_TIMING, request logs and metrics on', () => {
  let server: TestServer;
  let metricsUrl: string;
  let logs: ReturnType<typeof captureLogs>;
  let alice: TestUser;
  let bob: TestUser;
  let group: string;
  const scrape = async () => (await fetch(metricsUrl)).text();

  beforeAll(async () => {
    logs = captureLogs();
    server = await startTestServer(
      { SERVER_TIMING: 'true', METRICS_PORT: '0' },
      { logger: logs.logger, requestLog: true },
    );
    metricsUrl = server.metrics!.url;
    [alice, bob] = await Promise.all([server.createUser('alice'), server.createUser('bob')]);
    group = (await send(server, alice, { handle: bob.handle, body: 'hello' })).messageGroupUuid;
  });
  afterAll(() => server?.stop());

  it('times a messages page by phase and by data-source call, and the phases add up', async () => {
    // A document Apollo has not seen: parse and validate run (a repeated one is served from its document cache).
    const query = `${MESSAGES} # ${Math.random()}`;
    const { res, json } = await gqlRaw(server.url, alice.token, { query, variables: { g: group } });
    expect(json.errors).toBeUndefined();
    const header = res.headers.get('server-timing')!;
    const entries = parseServerTiming(header);
    const byName = (name: string) => entries.filter((e) => e.name === name);
    for (const phase of ['auth', 'parse', 'validate', 'exec', 'ser', 'total'])
      expect(byName(phase), phase).toHaveLength(1);
    for (const e of entries) expect(e.dur, e.name).toBeGreaterThanOrEqual(0);
    // The caller's identity lookup (the pipeline's `me` function) and the page read, named by operation.
    expect(byName('pg.select').map((e) => e.desc)).toContain('Query.messages/me');
    expect(byName('ddb.Query').length).toBeGreaterThanOrEqual(1);
    const [total, exec] = [byName('total')[0]!.dur, byName('exec')[0]!.dur];
    const phases = ['auth', 'parse', 'validate', 'exec', 'ser'].reduce((sum, p) => sum + (byName(p)[0]?.dur ?? 0), 0);
    expect(phases).toBeLessThanOrEqual(total);
    // Data-source calls happen inside execution (sequential in this pipeline, so they fit in it).
    const calls = entries.filter((e) => e.name.includes('.')).reduce((sum, e) => sum + e.dur, 0);
    expect(calls).toBeLessThanOrEqual(exec);
    expect(calls).toBeGreaterThan(0);
    expect(res.headers.get('timing-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id, server-timing, retry-after');
  });

  it('writes one log line per request with the id of its header and the same phases', async () => {
    await server.gql(alice.token, MESSAGES, { g: group }); // Apollo now has the document cached
    const { res } = await gqlRaw(server.url, alice.token, { query: MESSAGES, variables: { g: group } });
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => logs.lines.some((l) => l.reqId === id), 2_000, 'the log line');
    const line = logs.lines.filter((l) => l.reqId === id);
    expect(line).toHaveLength(1);
    expect(line[0]).toMatchObject({
      level: 30,
      msg: 'request',
      transport: 'http',
      operation: 'Messages',
      operationType: 'query',
      status: 200,
      errorTypes: [],
    });
    // A repeated document: Apollo's document cache skips parse and validate.
    expect(Object.keys(line[0]!.phases)).toEqual(['auth', 'exec', 'ser']);
    expect(line[0]!.calls.map((c: any) => c.name)).toEqual(expect.arrayContaining(['pg.select', 'ddb.Query']));
    expect(line[0]!.ms).toBeGreaterThan(0);
  });

  it('gives a resolver error the id of its header and log line', async () => {
    const { res, json } = await gqlRaw(server.url, alice.token, { query: MESSAGES, variables: { g: 'not-a-uuid' } });
    const id = res.headers.get('x-request-id')!;
    expect(json.errors[0].errorType).toBe('BadRequest');
    expect(json.errors[0].extensions.requestId).toBe(id);
    await until(() => logs.lines.some((l) => l.reqId === id), 2_000, 'the log line');
    expect(logs.lines.find((l) => l.reqId === id)).toMatchObject({ errorTypes: ['BadRequest'], status: 200 });
  });

  it('gives a 401 (Apollo renders a failed context itself) the same id everywhere', async () => {
    const { res, json } = await gqlRaw(server.url, null, { query: MESSAGES, variables: { g: group } });
    expect(res.status).toBe(401);
    const id = res.headers.get('x-request-id')!;
    expect(json.errors[0]).toMatchObject({ errorType: 'UnauthorizedException', extensions: { requestId: id } });
    await until(() => logs.lines.some((l) => l.reqId === id), 2_000, 'the log line');
    expect(logs.lines.find((l) => l.reqId === id)).toMatchObject({
      status: 401,
      errorTypes: ['UnauthorizedException'],
    });
  });

  it('gives errors written before Apollo (413, bad JSON) the id too', async () => {
    const big = await gqlRaw(server.url, alice.token, { query: '{ me { id } }', pad: 'x'.repeat(300_000) });
    expect(big.res.status).toBe(413);
    expect(big.json.errors[0].extensions.requestId).toBe(big.res.headers.get('x-request-id'));
    const bad = await gqlRaw(server.url, alice.token, '{not json');
    expect(bad.res.status).toBe(400);
    const id = bad.res.headers.get('x-request-id')!;
    expect(bad.json.errors[0].extensions).toEqual({ errorType: 'BadRequest', requestId: id });
    await until(() => logs.lines.some((l) => l.reqId === id), 2_000, 'the log line');
    expect(logs.lines.find((l) => l.reqId === id)).toMatchObject({ status: 400, errorTypes: ['BadRequest'] });
  });

  it('moves request, latency, error, data-source and refusal metrics as requests run', async () => {
    const before = await scrape();
    const labels = { operation: 'Messages', type: 'query', status: '200' };
    for (let i = 0; i < 3; i++) await server.gql(alice.token, MESSAGES, { g: group });
    await server.gql(alice.token, MESSAGES, { g: 'not-a-uuid' });
    await gqlRaw(server.url, alice.token, { query: '{ me { id } }', pad: 'x'.repeat(300_000) });
    const after = await scrape();
    const delta = (name: string, l: Record<string, string> = {}) => sample(after, name, l) - sample(before, name, l);
    expect(delta('cruddur_http_requests_total', labels)).toBe(4);
    expect(delta('cruddur_http_request_duration_seconds_count', { operation: 'Messages' })).toBe(4);
    expect(delta('cruddur_http_request_duration_seconds_sum', { operation: 'Messages' })).toBeGreaterThan(0);
    expect(delta('cruddur_errors_total', { error_type: 'BadRequest', transport: 'http' })).toBe(1);
    expect(delta('cruddur_errors_total', { error_type: 'PayloadTooLarge', transport: 'http' })).toBe(1);
    expect(delta('cruddur_refused_total', { reason: 'size', transport: 'http' })).toBe(1);
    expect(delta('cruddur_http_requests_total', { operation: 'anonymous', type: 'none', status: '413' })).toBe(1);
    expect(delta('cruddur_datasource_call_duration_seconds_count', { operation: 'ddb.Query' })).toBeGreaterThanOrEqual(
      3,
    );
    expect(delta('cruddur_datasource_call_duration_seconds_count', { operation: 'pg.select' })).toBeGreaterThanOrEqual(
      3,
    );
    // Node's own process metrics come with them.
    expect(after).toContain('process_cpu_user_seconds_total');
  });

  it('counts sockets, subscriptions and deliveries, and logs each subscribe with its id', async () => {
    const before = await scrape();
    const conn = connect(server.url, bob.token);
    const listener = conn.listen('subscription S($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }', {
      g: group,
    });
    await until(() => server.server.registry.size > 0, 5_000, 'the subscription');
    let during = await scrape();
    expect(sample(during, 'cruddur_ws_connections')).toBe(1);
    expect(sample(during, 'cruddur_subscriptions_active')).toBe(1);
    await server.gql(alice.token, CREATE_MESSAGE, { input: { messageGroupUuid: group, body: 'live' } });
    await listener.waitFor(1);
    during = await scrape();
    expect(sample(during, 'cruddur_subscription_deliveries_total')).toBe(
      sample(before, 'cruddur_subscription_deliveries_total') + 1,
    );
    expect(sample(during, 'cruddur_subscribes_total', { outcome: 'started' })).toBe(
      sample(before, 'cruddur_subscribes_total', { outcome: 'started' }) + 1,
    );
    const line = logs.lines.find((l) => l.msg === 'subscribe' && l.outcome === 'started');
    expect(line).toMatchObject({ transport: 'ws', operation: 'S', errorTypes: [] });
    expect(line!.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line!.calls.map((c: any) => c.name)).toContain('pg.select');
    await conn.dispose();
    await until(() => server.server.ws.connections === 0, 5_000, 'the socket to close');
    expect(sample(await scrape(), 'cruddur_ws_connections')).toBe(0);
  });

  it("fans a mutation's event out before its response is written, timed as the response's publish phase", async () => {
    const conn = connect(server.url, bob.token);
    const listener = conn.listen('subscription P($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }', {
      g: group,
    });
    await until(() => server.server.registry.size > 0, 5_000, 'the subscription');
    const before = server.server.registry.deliveries;
    const { res, json } = await gqlRaw(server.url, alice.token, {
      query: CREATE_MESSAGE,
      variables: { input: { messageGroupUuid: group, body: 'published first' } },
    });
    expect(json.errors).toBeUndefined();
    // The header is written after Apollo's willSendResponse: a publish phase in it means every frame was sent first.
    const publish = parseServerTiming(res.headers.get('server-timing')!).filter((e) => e.name === 'publish');
    expect(publish).toHaveLength(1);
    expect(publish[0]!.dur).toBeGreaterThanOrEqual(0);
    expect(server.server.registry.deliveries).toBe(before + 1);
    const [event] = await listener.waitFor(1);
    expect(event.data.onMessage).toEqual({ id: json.data.createMessage.id, body: 'published first' });
    await conn.dispose();
  });

  it('answers a mutation whose fan-out throws with its data, and logs the failure', async () => {
    const publish = server.pubsub.publish;
    server.pubsub.publish = () => {
      throw new Error('engine broke');
    };
    try {
      const { res, json } = await gqlRaw(server.url, alice.token, {
        query: CREATE_MESSAGE,
        variables: { input: { messageGroupUuid: group, body: 'written anyway' } },
      });
      expect(res.status).toBe(200);
      expect(json.errors).toBeUndefined();
      expect(json.data.createMessage.body).toBe('written anyway');
    } finally {
      server.pubsub.publish = publish;
    }
    const line = logs.lines.find((l) => l.level === 50 && String(l.msg).includes('publish failed'));
    expect(line, 'the error log line').toBeDefined();
  });

  it('gives a failed subscribe an id in its error that its log line and the metrics also have', async () => {
    const conn = connect(server.url, bob.token);
    const listener = conn.listen('subscription Bad($g: ID!) { onMessage(messageGroupUuid: $g) { id } }', {
      g: 'not-a-uuid',
    });
    const errors = (await listener.waitError()) as any[];
    expect(errors[0].errorType).toBe('BadRequest');
    const id = errors[0].extensions.requestId as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => logs.lines.some((l) => l.reqId === id), 2_000, 'the log line');
    expect(logs.lines.find((l) => l.reqId === id)).toMatchObject({
      msg: 'subscribe',
      outcome: 'failed',
      errorTypes: ['BadRequest'],
    });
    expect(sample(await scrape(), 'cruddur_errors_total', { error_type: 'BadRequest', transport: 'ws' })).toBe(1);
    await conn.dispose();
  });

  it('serves metrics only on their own listener, only at GET /metrics', async () => {
    expect((await fetch(new URL('/metrics', server.url))).status).toBe(404);
    expect(new URL(metricsUrl).hostname).toBe('127.0.0.1');
    expect((await fetch(new URL('/other', metricsUrl))).status).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
    const res = await fetch(metricsUrl);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe('with everything off (the defaults outside development)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it('sends no Server-Timing and serves no metrics, but every response still has its request id', async () => {
    const user = await server.createUser('plain');
    const { res, json } = await gqlRaw(server.url, user.token, { query: '{ me { handle } }' });
    expect(json.data.me.handle).toBe(user.handle);
    expect(res.headers.get('server-timing')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.metrics).toBeNull();
    // Distinct per request.
    const again = await gqlRaw(server.url, user.token, { query: '{ me { handle } }' });
    expect(again.res.headers.get('x-request-id')).not.toBe(res.headers.get('x-request-id'));
  });
});

describe('PUBSUB=dynamodb-stream', () => {
  let server: TestServer;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    server = await startTestServer(
      { PUBSUB: 'dynamodb-stream', STREAM_POLL_INTERVAL_MS: '50', METRICS_PORT: '0' },
      { logger: logs.logger },
    );
  });
  afterAll(() => server?.stop());

  it('logs each stream batch (records, lag, failures) and observes the lag', async () => {
    const [a, b] = await Promise.all([server.createUser('sa'), server.createUser('sb')]);
    await send(server, a, { handle: b.handle, body: 'via the stream' });
    await until(() => logs.lines.some((l) => l.msg === 'stream batch'), 10_000, 'a stream batch line');
    const line = logs.lines.find((l) => l.msg === 'stream batch')!;
    expect(line).toMatchObject({ level: 30, failures: 0 });
    expect(line.records).toBeGreaterThanOrEqual(1);
    // AWS gives record times to the second; DynamoDB Local rounds them down to the minute.
    expect(line.lagMs).toBeGreaterThanOrEqual(0);
    expect(line.lagMs).toBeLessThan(61_000);
    const text = await (await fetch(server.metrics!.url)).text();
    expect(sample(text, 'cruddur_stream_records_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cruddur_stream_lag_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});
