// Per-user and per-IP rate limits over real HTTP: 429 with Retry-After for the user over the rate while others
// go on, recovery after the wait, and forged-token floods refused before any signature check.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  // Small buckets so a test reaches them in a few requests; refill slow enough that the test's own pace
  // (a few ms per request on a loaded machine) cannot refill one by accident within a burst.
  server = await startTestServer({
    RATE_LIMIT_USER_BURST: '5',
    RATE_LIMIT_USER_PER_SECOND: '1',
    RATE_LIMIT_IP_BURST: '4',
    RATE_LIMIT_IP_PER_SECOND: '0.5',
  });
});
afterAll(async () => {
  await server?.stop();
});

async function me(token: string | null) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: token }) },
    body: JSON.stringify({ query: '{ me { handle } }' }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

it('a user over the rate gets 429 + Retry-After, another user still gets 200, and after the wait it passes', async () => {
  const [busy, calm] = await Promise.all([server.createUser('busy'), server.createUser('calm')]);
  const statuses: number[] = [];
  let refused: Awaited<ReturnType<typeof me>> | undefined;
  // Bounded: at most 20 requests; the burst of 5 is spent long before.
  for (let i = 0; i < 20 && !refused; i += 1) {
    const res = await me(busy.token);
    statuses.push(res.status);
    if (res.status === 429) refused = res;
  }
  expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
  expect(refused).toBeDefined();
  expect(refused!.retryAfter).toBe('1');
  expect(refused!.body.data).toBeUndefined();
  expect(refused!.body.errors).toEqual([
    expect.objectContaining({
      errorType: 'ThrottlingException',
      message: 'Too many requests from this user (at most 1/s, bursts of 5): retry in 1 s.',
      extensions: expect.objectContaining({ errorType: 'ThrottlingException' }),
    }),
  ]);

  const other = await me(calm.token);
  expect(other.status).toBe(200);
  expect(other.body.data.me.handle).toBe(calm.handle);

  await new Promise((r) => setTimeout(r, Number(refused!.retryAfter) * 1000 + 50));
  const again = await me(busy.token);
  expect(again.status).toBe(200);
  expect(again.body.data.me.handle).toBe(busy.handle);
});

it('valid requests do not spend the per-IP failure budget', async () => {
  // 10 valid requests from this address, more than its failure burst of 4: the next test still finds all 4.
  const users = await Promise.all([server.createUser('ok1'), server.createUser('ok2')]);
  for (const user of users) for (let i = 0; i < 5; i += 1) expect((await me(user.token)).status).toBe(200);
});

it('forged tokens from one IP get 401s until its failure budget is spent, then 429 before any token check', async () => {
  const forged = `${server.tokenFor('nobody').slice(0, -10)}AAAAAAAAAA`; // a real token with a broken signature
  const statuses: number[] = [];
  for (let i = 0; i < 10; i += 1) statuses.push((await me(forged)).status);
  // 4 failures allowed (the burst, untouched by the valid requests before), the next ones are refused outright;
  // no token at all counts the same.
  expect(statuses).toEqual([401, 401, 401, 401, ...Array(6).fill(429)]);
  const missing = await me(null);
  expect(missing.status).toBe(429);
  expect(missing.retryAfter).toBe('2');
  expect(missing.body.errors[0]).toMatchObject({
    errorType: 'ThrottlingException',
    message: 'Too many requests without a valid token from this address (at most 0.5/s): retry in 2 s.',
  });
  // The proof that the check comes before verification: while the address is refused, a valid token never seen
  // before is too (it cannot be told from a forged one without the signature check the limit exists to skip).
  const valid = await server.createUser('same_ip');
  expect((await me(valid.token)).status).toBe(429);
  await new Promise((r) => setTimeout(r, 2050));
  expect((await me(valid.token)).status).toBe(200);
});

it('a flood of forged tokens from an address does not lock out a user already signed in from it', async () => {
  const flooded = await startTestServer({ RATE_LIMIT_IP_BURST: '2', RATE_LIMIT_IP_PER_SECOND: '0.1' });
  try {
    const user = await flooded.createUser('signed_in');
    const newcomer = await flooded.createUser('newcomer');
    const call = (token: string) => flooded.gql(token, '{ me { id } }');
    expect((await call(user.token)).status).toBe(200); // verified once: a session under way
    for (let i = 0; i < 5; i += 1) await call('Bearer not.a.token');
    expect((await call('Bearer not.a.token')).status).toBe(429);
    // A token verified before costs no signature check, so the address's spent failure budget does not apply.
    const again = await call(user.token);
    expect(again.status).toBe(200);
    expect(again.data.me.id).toBe(user.uuid);
    // A token never seen cannot be told from a forged one without that check: refused until the budget refills.
    expect((await call(newcomer.token)).status).toBe(429);
  } finally {
    await flooded.stop();
  }
});

it('an operation costs one token per root field: aliases are not a way around the rate', async () => {
  const [wide, wider] = await Promise.all([server.createUser('wide'), server.createUser('wider')]);
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { handle }`).join(' ')} }`;
  const post = (token: string, query: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ query }),
    });
  // 5 root fields spend the whole burst of 5 in one request; the next request is refused.
  expect((await post(wide.token, aliases(5))).status).toBe(200);
  expect((await me(wide.token)).status).toBe(429);
  // 6 root fields are more than the burst of 5 (here; 50 by default, over what the alias limit allows): refused,
  // once the operation is known and before any root field runs.
  const refused = await post(wider.token, aliases(6));
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toMatch(/^[1-5]$/);
  const body = (await refused.json()) as any;
  expect(body.data).toBeUndefined();
  expect(body.errors[0].errorType).toBe('ThrottlingException');
});

it('behind a trusted proxy (TRUSTED_PROXY_HOPS=1), the address is the one the proxy appended', async () => {
  const proxied = await startTestServer({
    TRUSTED_PROXY_HOPS: '1',
    RATE_LIMIT_IP_BURST: '2',
    RATE_LIMIT_IP_PER_SECOND: '0.5',
    DYNAMODB_TABLE: server.config.dynamodbTable,
    DATA_DIR: server.config.dataDir,
  });
  try {
    const user = await proxied.createUser('proxied');
    const call = (token: string, forwardedFor: string) =>
      fetch(proxied.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token, 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: '{ me { handle } }' }),
      }).then((r) => r.status);
    // The attacker's forged first entries change every time; the proxy's entry (the last) does not.
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push(await call('Bearer forged', `10.9.9.${i}, 203.0.113.1`));
    expect(statuses).toEqual([401, 401, 429, 429]);
    // Another client behind the same proxy (every request comes from the proxy's address) is not affected.
    expect(await call(user.token, '203.0.113.2')).toBe(200);
  } finally {
    await proxied.stop();
  }
});
