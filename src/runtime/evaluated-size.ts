// AppSync's bound on what one resolver handler evaluates to (the "Evaluated resolver template size" quota, 5 MB):
// whether a value's JSON is over a byte limit, without serialising the small values nearly every handler returns.

/** AppSync's quota: 5 MB per evaluated request or response (not adjustable). Taken as MiB; see docs/architecture.md. */
export const APPSYNC_EVALUATED_SIZE_LIMIT = 5 * 1024 * 1024;

/** The message AppSync gives a field whose evaluated template is over the quota (errorType MappingTemplate). */
export const TRANSFORMATION_TOO_LARGE = 'Transformation too large';

// Bytes of UTF-8 JSON one UTF-16 unit can become at most: a control character is escaped as \u00XX.
const PER_UNIT = 6;
// The longest JSON a number serialises to: -1.7976931348623157e+308.
const NUMBER = 24;

/**
 * A cheap upper bound of `Buffer.byteLength(JSON.stringify(value))`, walking until it passes `limit`. A value with
 * its own toJSON (a Date) can serialise to anything, so it makes the bound infinite and the exact path decide.
 */
function upperBound(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length && total <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += PER_UNIT * v.length + 2;
    else if (typeof v === 'number') total += NUMBER;
    else if (v === null || typeof v !== 'object') total += 5;
    else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return Infinity;
    else if (Array.isArray(v)) {
      total += 2 + v.length;
      for (const item of v) stack.push(item);
    } else {
      total += 2;
      for (const key of Object.keys(v)) {
        total += PER_UNIT * key.length + 4;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return total;
}

/** Whether `value` serialises to more than `limit` bytes of UTF-8 JSON. A value that is not JSON is not "over". */
export function jsonBytesOver(value: unknown, limit: number): boolean {
  if (upperBound(value, limit) <= limit) return false;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Cyclic or BigInt: graphql reports what it cannot serialise; this bound has nothing to add.
    return false;
  }
  return text !== undefined && Buffer.byteLength(text) > limit;
}
