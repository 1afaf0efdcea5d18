// How an rds helper rejects its input: it throws out of the resolver handler, as on AWS, where the field fails
// with errorType `Code` and the helper's message (AWS prefixes `code.js:<line>:<col>: `, which we cannot know).
import { ErrorType } from '../../errors.ts';
import { ResolverErrorSignal } from '../invocation.ts';

export function rdsError(message: string): never {
  throw new ResolverErrorSignal({ message, errorType: ErrorType.Code, data: null, errorInfo: null });
}
