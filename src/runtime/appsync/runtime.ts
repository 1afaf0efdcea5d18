// The `runtime` object of '@aws-appsync/utils': earlyReturn unwinds the handler through a signal the executor catches.
import { EarlyReturnSignal } from './invocation.ts';

export const runtime = {
  // Without skipTo, a pipeline function moves on to the next function (AWS runtime-utils-js); a pipeline's own
  // request handler skips all functions whatever skipTo says, which the executor handles.
  earlyReturn(obj?: unknown, returnOptions?: { skipTo: 'END' | 'NEXT' }): never {
    throw new EarlyReturnSignal(obj ?? null, returnOptions?.skipTo ?? 'NEXT');
  },
};
