// Mutation.createMessage: validates the input, then the functions find the caller, the recipient and the
// conversation, and write the message atomically (access patterns C and D), retrying around races.
import { util, type Context } from '@aws-appsync/utils';
import type { MutationCreateMessageArgs } from '../lib/schema.generated.ts';

export const MAX_BODY_LENGTH = 1024;

export function request(ctx: Context<MutationCreateMessageArgs>) {
  const input = ctx.args.input;
  const hasGroup = input.messageGroupUuid !== null && input.messageGroupUuid !== undefined;
  const hasHandle = input.handle !== null && input.handle !== undefined;
  if (hasGroup === hasHandle) {
    util.error(
      'Give exactly one of messageGroupUuid (an existing conversation) or handle (a user to message).',
      'BadRequest',
    );
  }
  if (hasHandle && input.handle!.trim() === '') {
    util.error('handle must not be empty.', 'BadRequest');
  }
  if (input.body.trim() === '') {
    util.error('The message is empty: write something first.', 'BadRequest');
  }
  if (input.body.length > MAX_BODY_LENGTH) {
    util.error(
      'The message is ' + input.body.length + ' characters long; the limit is ' + MAX_BODY_LENGTH + '.',
      'BadRequest',
    );
  }
  if (
    input.clientMessageId !== null &&
    input.clientMessageId !== undefined &&
    !util.matches('[A-Za-z0-9_-]{1,64}', input.clientMessageId)
  ) {
    util.error('clientMessageId must be 1–64 characters of A–Z a–z 0–9 _ - (a UUID works).', 'BadRequest');
  }
  ctx.stash.attempts = 0;
  return {};
}

export function response(ctx: Context) {
  if (!ctx.stash.written) {
    util.error(
      'The message could not be written because the conversation was busy; try again.',
      'DynamoDB:TransactionConflict',
    );
  }
  return ctx.stash.written;
}
