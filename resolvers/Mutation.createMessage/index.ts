// Mutation.createMessage: validates the input, then the functions find the caller, the recipient and the
// conversation, and write the message atomically (access patterns C and D), retrying around races.
import { util, type Context } from '@aws-appsync/utils';
import { checkGroupUuid, checkHandle } from '../lib/input.ts';
import type { MutationCreateMessageArgs } from '../lib/schema.generated.ts';
import { INVISIBLE_ONLY, WELL_FORMED } from '../lib/text.ts';
import { ErrorType } from '../lib/error-types.ts';

export const MAX_BODY_LENGTH = 1024;

export function request(ctx: Context<MutationCreateMessageArgs>) {
  const input = ctx.args.input;
  const hasGroup = input.messageGroupUuid !== null && input.messageGroupUuid !== undefined;
  const hasHandle = input.handle !== null && input.handle !== undefined;
  if (hasGroup === hasHandle) {
    util.error(
      'Give exactly one of messageGroupUuid (an existing conversation) or handle (a user to message).',
      ErrorType.BadRequest,
    );
  }
  if (hasGroup) {
    checkGroupUuid(input.messageGroupUuid!);
  } else {
    checkHandle(input.handle!);
  }
  if (input.body.trim() === '') {
    util.error('The message is empty: write something first.', ErrorType.BadRequest);
  }
  if (input.body.length > MAX_BODY_LENGTH) {
    util.error(
      'The message is ' + input.body.length + ' characters long; the limit is ' + MAX_BODY_LENGTH + '.',
      ErrorType.BadRequest,
    );
  }
  // Checked after the length bound, so the patterns never run over more than 1,024 characters.
  if (!util.matches(WELL_FORMED, input.body)) {
    util.error(
      'The message contains a broken character (an unpaired UTF-16 surrogate, e.g. half of an emoji): remove it.',
      ErrorType.BadRequest,
    );
  }
  if (util.matches(INVISIBLE_ONLY, input.body)) {
    util.error(
      'The message has no visible characters (only spaces or invisible ones such as zero-width spaces or direction marks): write something first.',
      ErrorType.BadRequest,
    );
  }
  if (
    input.clientMessageId !== null &&
    input.clientMessageId !== undefined &&
    !util.matches('[A-Za-z0-9_-]{1,64}', input.clientMessageId)
  ) {
    util.error('clientMessageId must be 1–64 characters of A–Z a–z 0–9 _ - (a UUID works).', ErrorType.BadRequest);
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
