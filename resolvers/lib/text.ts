// Patterns for client text that no stored item can hold, for util.matches (whole-string match). Character
// classes are spelled as \u escapes and surrogate pairs, so they work without a regex `u` flag (APPSYNC_JS has
// no regex literals); text.test.ts checks them against Node's Unicode property tables.

/** Well-formed UTF-16: every surrogate is half of a pair. JSON's `\ud800` escapes can produce lone ones. */
export const WELL_FORMED = '(?:[^\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*';

/**
 * Text that shows nothing: only White_Space, format characters (category Cf: zero-width spaces and joiners,
 * word joiner, BOM, soft hyphen, bidi controls...) and other default-ignorable code points (variation
 * selectors, Hangul fillers, tag characters). Generated from Unicode 15.1 as Node 20 ships it.
 */
export const INVISIBLE_ONLY =
  '(?:[\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u00AD\\u034F\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890\\u0891' +
  '\\u08E2\\u115F\\u1160\\u1680\\u17B4\\u17B5\\u180B-\\u180F\\u2000-\\u200F\\u2028-\\u202F\\u205F-\\u206F' +
  '\\u3000\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFFB]' +
  '|\\uD804[\\uDCBD\\uDCCD]|\\uD80D[\\uDC30-\\uDC3F]|\\uD82F[\\uDCA0-\\uDCA3]|\\uD834[\\uDD73-\\uDD7A]' +
  '|[\\uDB40-\\uDB43][\\uDC00-\\uDFFF])*';

/** A handle as it could be stored: no C0/C1 control characters (NUL included), no lone surrogates. */
export const HANDLE_CHARACTERS =
  '(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+';

export const MAX_HANDLE_LENGTH = 64;

/** What util.autoId() makes, and so every conversation id. */
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
