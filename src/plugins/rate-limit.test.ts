// The HTTP face of the rate limits with a stepped clock: which calls spend which bucket, and the 429's shape.
import { GraphQLError, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientAddress, createRequestRateLimits, rootFieldCount, throttled } from './rate-limit.ts';

const limits = {
  user: { refillPerSecond: 0.4, capacity: 2 },
  ip: { refillPerSecond: 1, capacity: 1 },
  maxKeys: 10,
  trustedProxyHops: 0,
};

function thrown(fn: () => void): GraphQLError {
  try {
    fn();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a throttling error');
}

describe('throttled', () => {
  it('rounds Retry-After up to whole seconds, never below 1', () => {
    const head = (ms: number) => throttled({ ok: false, retryAfterMs: ms }, 'x').extensions.http as any;
    expect(head(1).headers.get('retry-after')).toBe('1');
    expect(head(1000).headers.get('retry-after')).toBe('1');
    expect(head(1001).headers.get('retry-after')).toBe('2');
    expect(head(0).headers.get('retry-after')).toBe('1');
    expect(head(0).status).toBe(429);
  });
});

describe('createRequestRateLimits', () => {
  it('spends the user bucket per authenticated request, with the wait in the message', () => {
    let t = 0;
    const rl = createRequestRateLimits(limits, () => t);
    rl.authenticated('u');
    rl.authenticated('u');
    const error = thrown(() => rl.authenticated('u'));
    expect(error.message).toBe('Too many requests from this user (at most 0.4/s, bursts of 2): retry in 3 s.');
    expect(error.extensions.errorType).toBe('ThrottlingException');
    rl.authenticated('v'); // another user is unaffected
    t = 2500;
    rl.authenticated('u');
  });

  it('checks an IP before auth without spending it; only failures spend it', () => {
    let t = 0;
    const rl = createRequestRateLimits(limits, () => t);
    rl.beforeAuth('1.2.3.4');
    rl.beforeAuth('1.2.3.4');
    rl.authFailed('1.2.3.4'); // the last token: this failure still gets its 401
    expect(thrown(() => rl.beforeAuth('1.2.3.4')).extensions.errorType).toBe('ThrottlingException');
    expect(thrown(() => rl.authFailed('1.2.3.4')).extensions.errorType).toBe('ThrottlingException');
    rl.beforeAuth('5.6.7.8');
    t = 1000;
    rl.beforeAuth('1.2.3.4');
  });
});

describe('rootFieldCount', () => {
  const roots = (source: string) => {
    const document = parse(source);
    const fragments: Record<string, FragmentDefinitionNode> = {};
    let operation: OperationDefinitionNode | undefined;
    for (const d of document.definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
      if (d.kind === Kind.OPERATION_DEFINITION) operation = d;
    }
    return rootFieldCount(operation!, fragments);
  };

  it('counts root fields with aliases, through fragments, and not introspection', () => {
    expect(roots('{ me { id } }')).toBe(1);
    expect(roots('{ a: me { id } b: me { id } messageGroups { nextToken } }')).toBe(3);
    expect(
      roots('{ ...F ... on Query { c: me { id } } } fragment F on Query { a: me { id } b: user(handle: "x") { id } }'),
    ).toBe(3);
    expect(roots('{ ...F ...F } fragment F on Query { a: me { id } }')).toBe(1);
    expect(roots('{ __schema { queryType { name } } __typename }')).toBe(0);
  });
});

describe('clientAddress', () => {
  it('is the peer address unless proxies are trusted: X-Forwarded-For is forgeable', () => {
    expect(clientAddress('10.0.0.5', '1.1.1.1', 0)).toBe('10.0.0.5');
    expect(clientAddress(undefined, undefined, 0)).toBe('unknown');
  });

  it('behind N trusted proxies, is the entry N from the right (what the outermost trusted proxy saw)', () => {
    // The client forged "6.6.6.6"; the ALB appended the address it really saw.
    expect(clientAddress('10.0.0.5', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '6.6.6.6, 203.0.113.7, 10.0.0.9', 2)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', ['6.6.6.6', '203.0.113.7'], 1)).toBe('203.0.113.7');
    // Fewer entries than trusted hops, or none: the peer.
    expect(clientAddress('10.0.0.5', '203.0.113.7', 2)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
  });
});
