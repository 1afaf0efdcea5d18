// The NONE data source: AppSync's "local resolver". The request's `payload` (or the request itself) becomes ctx.result.
import type { DataSource } from './types.ts';

export function createNoneDataSource(name = 'none'): DataSource {
  return {
    name,
    kind: 'NONE',
    async invoke(request) {
      const payload =
        request && typeof request === 'object' && Object.hasOwn(request, 'payload')
          ? (request as { payload: unknown }).payload
          : request;
      return { result: payload ?? null };
    },
  };
}
