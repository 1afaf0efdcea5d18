// Message cursors are the message's sort key: `{created_at ISO-8601 ms}#{uuid}`, fixed width.
import { util } from '@aws-appsync/utils';
import { UUID } from './text.ts';
import { ErrorType } from './error-types.ts';

const CURSOR =
  '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}Z#' + UUID;

/** The first key above every message: the catch-up range ends here (member rows sort above it). */
export const END_OF_MESSAGES = '9999';

export function checkCursor(after: string): void {
  if (!util.matches(CURSOR, after)) {
    util.error('after must be a message cursor (the cursor field of a message you received).', ErrorType.BadRequest);
  }
  // A cursor from the year 9999 would put the range's start above its end; no message is written there.
  if (after >= END_OF_MESSAGES) {
    util.error(
      'after is a cursor from the year 9999, which no message has: pass the cursor field of a message you received.',
      ErrorType.BadRequest,
    );
  }
}

/**
 * Key-condition bounds for "strictly after this message": every sort key has the same width, so none extends
 * `after`, and `after + '!'` is above `after` and below every later key; '9999' is below the member rows.
 */
export function afterBounds(after: string): { from: string; to: string } {
  return { from: after + '!', to: END_OF_MESSAGES };
}
