// Boundary checks for ids and handles that no stored item can match: each raises BadRequest saying what to fix,
// before any data source sees the value (so no database error, and none of its text, can come back instead).
import { util } from '@aws-appsync/utils';
import { HANDLE_CHARACTERS, MAX_HANDLE_LENGTH, UUID } from './text.ts';
import { ErrorType } from './error-types.ts';

/** A conversation id argument (`messageGroupUuid`): a UUID. The value is not echoed (it may be long). */
export function checkGroupUuid(value: string): void {
  if (!util.matches(UUID, value)) {
    util.error(
      'messageGroupUuid must be a conversation id: a UUID such as the id of an item of messageGroups.',
      ErrorType.BadRequest,
    );
  }
}

/** A user's handle: 1–64 characters without control characters, as every stored handle is. */
export function checkHandle(handle: string): void {
  if (handle.trim() === '') {
    util.error('handle must not be empty.', ErrorType.BadRequest);
  }
  if (handle.length > MAX_HANDLE_LENGTH) {
    util.error(
      'handle is ' + handle.length + ' characters long; handles have at most ' + MAX_HANDLE_LENGTH + '.',
      ErrorType.BadRequest,
    );
  }
  if (!util.matches(HANDLE_CHARACTERS, handle)) {
    util.error(
      'handle contains a control character or a broken (unpaired surrogate) character; no handle has one.',
      ErrorType.BadRequest,
    );
  }
}
