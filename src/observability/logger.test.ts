// The console-shaped Logger over pino: how a message and its one detail become a structured line, and levels.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, wrapPino } from './logger.ts';

function capture(level: string) {
  const lines: Record<string, any>[] = [];
  const logger = wrapPino(pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
  return { lines, logger };
}

describe('wrapPino', () => {
  it('merges a plain object, puts an Error under err, and any other detail under detail', () => {
    const { lines, logger } = capture('info');
    logger.info('request', { reqId: 'r1', status: 200 });
    logger.error('[cruddur] failed', new Error('boom'));
    logger.warn('[cruddur] poll failed', 'ECONNREFUSED');
    logger.warn('two details', 1, 2);
    logger.info('just a message');
    expect(lines.map(({ time: _t, pid: _p, hostname: _h, ...rest }) => rest)).toEqual([
      { level: 30, msg: 'request', reqId: 'r1', status: 200 },
      { level: 50, msg: '[cruddur] failed', err: expect.objectContaining({ type: 'Error', message: 'boom' }) },
      { level: 40, msg: '[cruddur] poll failed', detail: 'ECONNREFUSED' },
      { level: 40, msg: 'two details', detail: [1, 2] },
      { level: 30, msg: 'just a message' },
    ]);
    expect(logger.infoEnabled).toBe(true);
  });

  it('writes nothing below its level (LOG_LEVEL=silent writes nothing at all)', () => {
    const silent = capture('silent');
    silent.logger.error('x');
    silent.logger.info('y');
    expect(silent.lines).toEqual([]);
    expect(silent.logger.infoEnabled).toBe(false);
  });
});

describe('createLogger', () => {
  it('LOG_FORMAT=pretty writes pino-pretty lines (not JSON) to its destination', async () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = await createLogger({ level: 'info', format: 'pretty', destination });
    logger.info('hello', { reqId: 'abc' });
    const text = chunks.join('');
    expect(text).toContain('hello');
    expect(text).toContain('reqId');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('LOG_FORMAT=json writes one JSON object per line with the service name', async () => {
    const chunks: string[] = [];
    const logger = await createLogger({
      level: 'info',
      format: 'json',
      destination: { write: (s: string) => void chunks.push(s) },
    });
    logger.info('hello');
    expect(JSON.parse(chunks[0]!)).toMatchObject({ msg: 'hello', level: 30, service: 'cruddur-messaging' });
  });
});
