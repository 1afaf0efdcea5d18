// The server's logger: a small console-shaped interface (cores and data sources depend on it, never on pino), and
// its pino implementation writing JSON lines (or pino-pretty's lines on a laptop) at LOG_LEVEL.
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

/**
 * What every module logs through: `console` fits it, and tests pass silent ones. A line is a message and at most
 * one detail: an Error, a plain object (its fields join the structured line), or any other value.
 */
export type Logger = Pick<Console, 'error' | 'warn' | 'info'>;

export type LogLevel = 'silent' | 'info' | 'debug';
export type LogFormat = 'json' | 'pretty';

export interface StructuredLogger extends Logger {
  /** Whether info lines are written at all: callers skip building a line nobody reads. */
  readonly infoEnabled: boolean;
  /** The pino instance underneath (child loggers, flush on exit). */
  readonly pino: Pino;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Adapts a console-style call to pino's (fields, message): the detail becomes `err`, fields or `detail`. */
function method(log: Pino, level: 'error' | 'warn' | 'info'): (...data: unknown[]) => void {
  return (...data: unknown[]) => {
    if (!log.isLevelEnabled(level)) return;
    const [first, ...rest] = data;
    const message = typeof first === 'string' ? first : undefined;
    const details = message === undefined ? data : rest;
    if (details.length === 0) return log[level](message ?? '');
    const [only] = details;
    if (details.length === 1 && only instanceof Error) return log[level]({ err: only }, message);
    if (details.length === 1 && isPlainObject(only)) return log[level](only, message);
    log[level]({ detail: details.length === 1 ? only : details }, message);
  };
}

export function wrapPino(log: Pino): StructuredLogger {
  return {
    error: method(log, 'error'),
    warn: method(log, 'warn'),
    info: method(log, 'info'),
    get infoEnabled() {
      return log.isLevelEnabled('info');
    },
    pino: log,
  };
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go (default stdout); tests capture them here. */
  readonly destination?: DestinationStream;
}

/**
 * JSON lines by default. `pretty` runs pino-pretty in this thread (not as a worker transport): a laptop's volume
 * needs no extra thread, and a line written just before a crash is not lost in a worker's queue.
 */
export async function createLogger(options: LoggerOptions): Promise<StructuredLogger> {
  const base = { level: options.level, base: { service: 'cruddur-messaging' } };
  if (options.format === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    const stream = pretty({ sync: true, destination: options.destination ?? 1, ignore: 'pid,hostname,service' });
    return wrapPino(pino(base, stream));
  }
  return wrapPino(pino(base, options.destination ?? pino.destination({ sync: true })));
}
