// Live subscriptions and fan-out. Subscribers with the same document, operation and variables form a group: an
// event is shaped (executed against the payload) and serialised once per group, then sent to each subscriber in
// it whose filter matches: the enhanced filter its resolver set, or else AppSync's argument filter.
import {
  execute,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Logger } from '../plugins/errors.ts';
import { matchesArguments, matchesFilter, type SubscriptionFilter } from './filters.ts';
import type { PubSubEvent } from './pubsub.ts';
import { ErrorType } from '../runtime/errors.ts';

/** AppSync drops larger events silently; we tell the subscriber and log it instead. */
export const MAX_EVENT_BYTES = 240 * 1024;

export interface LiveSubscription {
  readonly fieldName: string;
  readonly document: DocumentNode;
  /** Identifies the document: its source text. */
  readonly documentKey: string;
  readonly operationName: string | null;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly args: Readonly<Record<string, unknown>>;
  readonly filter: SubscriptionFilter | null;
  readonly invalidationFilter: SubscriptionFilter | null;
  /** Sends one event: `payloadJson` is the serialised ExecutionResult, shared by the whole group. */
  next(payloadJson: string): void;
  /** Ends the subscription from the server side (invalidation). */
  invalidate(): void;
}

interface Group {
  readonly fieldName: string;
  readonly sample: LiveSubscription;
  readonly members: Set<LiveSubscription>;
}

export interface RegistryOptions {
  /** The schema without resolvers: shaping a payload only reads its fields, as on AppSync. */
  readonly payloadSchema: GraphQLSchema;
  readonly subscriptionsByMutation: ReadonlyMap<string, readonly string[]>;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly logger: Logger;
  readonly maxEventBytes?: number;
}

/**
 * The one way shaping an event fails: a non-null field the subscriber selected is not in the payload, because the
 * mutation that published it did not select it. Say so, rather than a bare "Cannot return null".
 */
function explainMissing(error: GraphQLError, format: RegistryOptions['formatError']): GraphQLFormattedError {
  const field = error.path?.filter((p) => typeof p === 'string').join('.') ?? 'a field';
  const explained = new GraphQLError(
    `${field} is not in this event: the mutation that published it did not select it. As on AWS AppSync, an event carries only what the mutation selected; select the field in the mutation, or stop selecting it here.`,
    {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: { errorType: ErrorType.MissingEventField },
    },
  );
  return format(explained.toJSON(), explained);
}

export interface Registry {
  add(subscription: LiveSubscription): () => void;
  handle(event: PubSubEvent): void;
  readonly size: number;
  /** Events shaped and serialised so far (one per event per group), for tests and benchmarks. */
  readonly renders: number;
  /** Events handed to subscribers so far (one per event per matching subscriber), for metrics. */
  readonly deliveries: number;
}

export function createRegistry(options: RegistryOptions): Registry {
  const maxEventBytes = options.maxEventBytes ?? MAX_EVENT_BYTES;
  const groups = new Map<string, Group>();
  const byField = new Map<string, Set<Group>>();
  let size = 0;
  let renders = 0;
  let deliveries = 0;

  const groupKey = (s: LiveSubscription) => JSON.stringify([s.fieldName, s.documentKey, s.operationName, s.variables]);

  function render(group: Group, payload: Readonly<Record<string, unknown>>): string {
    renders += 1;
    const { sample } = group;
    const result = execute({
      schema: options.payloadSchema,
      document: sample.document,
      rootValue: { [group.fieldName]: payload },
      variableValues: sample.variables as Record<string, unknown>,
      operationName: sample.operationName,
    }) as ExecutionResult;
    const shaped = result.errors
      ? { ...result, errors: result.errors.map((e) => explainMissing(e, options.formatError)) }
      : result;
    const json = JSON.stringify(shaped);
    if (Buffer.byteLength(json) <= maxEventBytes) return json;
    const message = `This event is ${Buffer.byteLength(json)} bytes, over the ${maxEventBytes}-byte limit for subscription events; it was not delivered. Fetch it with a query.`;
    options.logger.warn(`[cruddur] ${group.fieldName}: ${message}`);
    const error = new GraphQLError(message, {
      path: [group.fieldName],
      extensions: { errorType: ErrorType.PayloadTooLarge },
    });
    return JSON.stringify({ data: { [group.fieldName]: null }, errors: [options.formatError(error.toJSON(), error)] });
  }

  function deliver(fieldName: string, payload: Readonly<Record<string, unknown>>): void {
    for (const group of byField.get(fieldName) ?? []) {
      const argumentsMatch = matchesArguments(group.sample.args, payload);
      let json: string | undefined;
      for (const member of group.members) {
        // A resolver-set (enhanced) filter replaces argument filtering: the resolver decides what the arguments
        // mean, as in AWS's own examples that copy ctx.args into the filter.
        if (member.filter ? !matchesFilter(member.filter, payload) : !argumentsMatch) continue;
        json ??= render(group, payload);
        deliveries += 1;
        member.next(json);
      }
    }
  }

  function invalidate(fieldName: string, payload: Readonly<Record<string, unknown>>): void {
    for (const group of byField.get(fieldName) ?? []) {
      for (const member of [...group.members]) {
        if (member.invalidationFilter && matchesFilter(member.invalidationFilter, payload)) member.invalidate();
      }
    }
  }

  return {
    get size() {
      return size;
    },
    get renders() {
      return renders;
    },
    get deliveries() {
      return deliveries;
    },
    add(subscription) {
      const key = groupKey(subscription);
      let group = groups.get(key);
      if (!group) {
        group = { fieldName: subscription.fieldName, sample: subscription, members: new Set() };
        groups.set(key, group);
        const fieldGroups = byField.get(subscription.fieldName) ?? new Set<Group>();
        fieldGroups.add(group);
        byField.set(subscription.fieldName, fieldGroups);
      }
      group.members.add(subscription);
      size += 1;
      const owner = group;
      return () => {
        if (!owner.members.delete(subscription)) return;
        size -= 1;
        if (owner.members.size === 0) {
          groups.delete(key);
          byField.get(owner.fieldName)?.delete(owner);
        }
      };
    },
    handle(event) {
      try {
        if (event.kind === 'mutation') {
          for (const field of options.subscriptionsByMutation.get(event.mutation) ?? []) deliver(field, event.payload);
        } else {
          invalidate(event.subscriptionField, event.payload);
        }
      } catch (error) {
        options.logger.error('[cruddur] fan-out failed', error);
      }
    },
  };
}
