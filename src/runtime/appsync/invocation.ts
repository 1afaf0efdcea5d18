// The state of the resolver handler that is running right now. Handlers are synchronous (APPSYNC_JS has no
// async), so one module-level slot is enough: the executor sets it before calling a handler and clears it after.

/** One GraphQL error entry as AppSync builds it from util.error / util.appendError / util.unauthorized. */
export interface ResolverErrorEntry {
  readonly message: string;
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;
}

// The two signals are control flow, not failures: plain classes rather than Errors, because capturing a stack
// trace on every earlyReturn costs more than the rest of a handler.

/** Thrown by util.error() and util.unauthorized(): aborts the handler, the field resolves to null with this error. */
export class ResolverErrorSignal {
  readonly name = 'ResolverErrorSignal';
  constructor(readonly entry: ResolverErrorEntry) {}
  get message(): string {
    return this.entry.message;
  }
}

/** Thrown by runtime.earlyReturn(): stops the handler with `value` as its result. */
export class EarlyReturnSignal {
  readonly name = 'EarlyReturnSignal';
  constructor(
    readonly value: unknown,
    readonly skipTo: 'END' | 'NEXT',
  ) {}
}

export type HandlerKind = 'request' | 'response';

/** Subscription filter objects as set through `extensions` (shape validated by the subscription layer). */
export interface ExtensionsSink {
  subscriptionFilter?: unknown;
  subscriptionInvalidationFilter?: unknown;
  readonly invalidations: { subscriptionField: string; payload: Record<string, unknown> }[];
}

export interface Invocation {
  readonly fieldName: string;
  readonly parentTypeName: string;
  readonly handler: HandlerKind;
  /** Errors from util.appendError; the executor adds them to the GraphQL response. */
  readonly appendedErrors: ResolverErrorEntry[];
  readonly extensions: ExtensionsSink;
  /** 'Query' | 'Mutation' | 'Subscription' at the root; used to police where extensions may be called. */
  readonly operation: string;
}

let current: Invocation | null = null;

export function currentInvocation(): Invocation {
  if (!current) throw new Error('AppSync utilities can only be used while a resolver handler runs');
  return current;
}

/** Runs `fn` with `invocation` as the current one; nested calls are not expected but are restored correctly. */
export function withInvocation<T>(invocation: Invocation, fn: () => T): T {
  const previous = current;
  current = invocation;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
