// The trace's bounds and its two renderings (Server-Timing header, log line), with hand-set durations.
import { describe, expect, it } from 'vitest';
import {
  call,
  createTrace,
  MAX_CALL_ENTRIES,
  MAX_ERROR_TYPES,
  noteErrorType,
  phase,
  serverTimingHeader,
  timingsForLog,
} from './trace.ts';

describe('createTrace', () => {
  it('measures nothing when not timed, but still has an id', () => {
    const trace = createTrace(false);
    phase(trace, 'auth', 0);
    call(trace, 'ddb.Query', 'Query.x', 0);
    expect(trace.phases).toEqual([]);
    expect(trace.calls).toEqual([]);
    expect(trace.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(createTrace(false).id).not.toBe(trace.id);
  });

  it('keeps MAX_CALL_ENTRIES calls one by one, then one summed entry per operation name', () => {
    const seen: string[] = [];
    const trace = createTrace(true, (name) => seen.push(name));
    for (let i = 0; i < MAX_CALL_ENTRIES + 30; i++) call(trace, i % 2 ? 'pg.select' : 'ddb.Query', `f${i}`, 0);
    expect(trace.calls).toHaveLength(MAX_CALL_ENTRIES + 2);
    expect(trace.calls.slice(MAX_CALL_ENTRIES).map((e) => [e.name, e.count])).toEqual([
      ['ddb.Query', 15],
      ['pg.select', 15],
    ]);
    // Metrics still see every call.
    expect(seen).toHaveLength(MAX_CALL_ENTRIES + 30);
  });

  it('keeps at most MAX_ERROR_TYPES errorTypes, and only strings', () => {
    const trace = createTrace(false);
    noteErrorType(trace, undefined);
    for (let i = 0; i < MAX_ERROR_TYPES + 5; i++) noteErrorType(trace, 'BadRequest');
    expect(trace.errorTypes).toHaveLength(MAX_ERROR_TYPES);
  });
});

describe('serverTimingHeader and timingsForLog', () => {
  const trace = createTrace(true);
  trace.phases.push({ name: 'auth', dur: 0.12345 }, { name: 'exec', dur: 2.5 });
  trace.calls.push(
    { name: 'pg.select', dur: 0.4, desc: 'Query.messages/me' },
    { name: 'ddb.Query', dur: 1.2, desc: 'Query."bad"\\\n' },
    { name: 'bad name', dur: 1, desc: 'x' },
    { name: 'ddb.Query', dur: 3, count: 7 },
  );

  it('renders W3C Server-Timing: token names, ms rounded to µs, quoted descriptions that cannot break out', () => {
    expect(serverTimingHeader(trace, 4.0004)).toBe(
      'auth;dur=0.123, exec;dur=2.5, pg.select;dur=0.4;desc="Query.messages/me", ddb.Query;dur=1.2;desc="Query.bad", ' +
        'other;dur=1;desc="x", ddb.Query;dur=3;desc="7 more calls", total;dur=4',
    );
  });

  it('gives the log line the same figures', () => {
    expect(timingsForLog(trace)).toEqual({
      phases: { auth: 0.123, exec: 2.5 },
      calls: [
        { name: 'pg.select', ms: 0.4, desc: 'Query.messages/me' },
        { name: 'ddb.Query', ms: 1.2, desc: 'Query."bad"\\\n' },
        { name: 'bad name', ms: 1, desc: 'x' },
        { name: 'ddb.Query', ms: 3, count: 7 },
      ],
    });
  });
});
