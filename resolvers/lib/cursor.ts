// Message cursors are the message's sort key: `{created_at ISO-8601 ms}#{uuid}`, fixed width.
import { util } from '@aws-appsync/utils';

export function checkCursor(after: string): void {
  if (!util.matches('\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#[0-9a-fA-F-]{36}', after)) {
    util.error('after must be a message cursor (the cursor field of a message you received).', 'BadRequest');
  }
}

/**
 * Key-condition bounds for "strictly after this message": every sort key has the same width, so none extends
 * `after`, and `after + '!'` is above `after` and below every later key; '9999' is below the member rows.
 */
export function afterBounds(after: string): { from: string; to: string } {
  return { from: after + '!', to: '9999' };
}
