// Re-raises a data-source failure: on AppSync a failed call only sets ctx.error, the handler must raise it.
import { util } from '@aws-appsync/utils';

export function raiseDataSourceError(error: { message: string; type: string } | undefined | null): void {
  if (error) {
    util.error(error.message, error.type);
  }
}
