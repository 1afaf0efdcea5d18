// Postgres failures as AppSync-style `ctx.error`: `Postgres:<SQLSTATE>`, or `Postgres:ServiceUnavailable` when the
// database is not there for us. Messages are ours: Postgres's text names databases, constraints and values, and
// pg's names hosts and ports. That text goes to the server log (describeForLog).
import type { DataSourceError } from '../types.ts';

const SQLSTATE = /^[0-9A-Z]{5}$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
/**
 * SQLSTATEs that mean "the database is not there for us" rather than "this statement failed": connection
 * exceptions (class 08), shutdown or start-up (57P01–57P03), the database gone (3D000, e.g. dropped), too many
 * connections (53300), and refused credentials (28000, 28P01). To a caller all of them are an outage.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '3D000', '53300', '28000', '28P01']);
const LOGGED = 'it has been logged on the server';
export const UNREACHABLE_MESSAGE = 'The users database could not be reached; try again shortly.';

export function isUnavailable(code: string | undefined, message: string): boolean {
  if (code && SQLSTATE.test(code)) return code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code);
  // pg's own errors carry no SQLSTATE: refused or dropped sockets, pool connect timeouts, ended connections.
  return (code !== undefined && NETWORK_CODES.has(code)) || /terminat|connect|timeout/i.test(message);
}

/** What a caller may be told about a failed statement: by SQLSTATE class, never Postgres's own text. */
function safeMessage(code: string): string {
  if (code === '57014') return 'The users database took too long to answer; try again.';
  if (code === '40001' || code === '40P01') return 'The users database was busy; try again.';
  if (code.startsWith('53')) return 'The users database is overloaded; try again shortly.';
  if (code.startsWith('22')) return `The users database refused a value in the request as invalid; ${LOGGED}.`;
  if (code.startsWith('23'))
    return 'The change conflicts with data already stored (for example a value that must be unique).';
  return `The users database could not run the request; ${LOGGED}.`;
}

/**
 * A failed statement as `ctx.error`: `Postgres:<SQLSTATE>` (or `Postgres:ServiceUnavailable` for an outage) with
 * a message that names no database, host, port, table or value. What Postgres said goes to the log.
 */
export function postgresError(error: unknown): DataSourceError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (isUnavailable(code, message)) return { type: 'Postgres:ServiceUnavailable', message: UNREACHABLE_MESSAGE };
  if (code && SQLSTATE.test(code)) return { type: `Postgres:${code}`, message: safeMessage(code) };
  return { type: 'Postgres:Error', message: `The users database could not run the request; ${LOGGED}.` };
}

/** What Postgres said, for the server log only. */
export function describeForLog(error: unknown): Record<string, unknown> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  return {
    code: e.code,
    message: error instanceof Error ? error.message : String(error),
    detail: e.detail,
    where: e.where,
  };
}
