// util.time: AppSync takes Java DateTimeFormatter patterns, so this reimplements the common subset
// (y M d H h m s S a E Z X x z and 'quoted' literals) on top of Intl for time zones.

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; width: number };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function tokenize(format: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    if (ch === "'") {
      const { text, next } = readQuoted(format, i);
      tokens.push({ kind: 'literal', text });
      i = next;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (format[j] === ch) j += 1;
      tokens.push({ kind: 'field', letter: ch, width: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  return tokens;
}

/** Java quoting: 'text' is literal, '' is one apostrophe (inside or outside a quoted run). */
function readQuoted(format: string, start: number): { text: string; next: number } {
  if (format[start + 1] === "'") return { text: "'", next: start + 2 };
  let text = '';
  let i = start + 1;
  while (i < format.length) {
    if (format[i] === "'" && format[i + 1] === "'") {
      text += "'";
      i += 2;
    } else if (format[i] === "'") {
      return { text, next: i + 1 };
    } else {
      text += format[i];
      i += 1;
    }
  }
  return { text, next: i };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
  offsetMinutes: number;
  zone: string;
}

/** The wall-clock fields of an instant in a zone (UTC by default). */
function wallClock(epochMs: number, timeZone = 'UTC'): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  const fields = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
  const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const offsetMinutes = Math.round((asUtc - (epochMs - millisecond)) / 60000);
  const weekday = new Date(asUtc).getUTCDay();
  return { ...fields, millisecond, weekday, offsetMinutes, zone: timeZone };
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

function formatOffset(minutes: number, colon: boolean, zeroAsZ: boolean, withMinutes = true): string {
  if (minutes === 0 && zeroAsZ) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const hh = pad(Math.trunc(Math.abs(minutes) / 60), 2);
  const mm = pad(Math.abs(minutes) % 60, 2);
  if (!withMinutes) return `${sign}${hh}`;
  return colon ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
}

function formatField(letter: string, width: number, c: WallClock): string {
  switch (letter) {
    case 'y':
    case 'u':
    case 'Y':
      return width === 2 ? pad(c.year % 100, 2) : pad(c.year, width);
    case 'M':
    case 'L':
      if (width >= 4) return MONTHS[c.month - 1] as string;
      if (width === 3) return (MONTHS[c.month - 1] as string).slice(0, 3);
      return pad(c.month, width);
    case 'd':
      return pad(c.day, width);
    case 'H':
      return pad(c.hour, width);
    case 'h':
      return pad(c.hour % 12 || 12, width);
    case 'm':
      return pad(c.minute, width);
    case 's':
      return pad(c.second, width);
    case 'S':
      return pad(c.millisecond, 3).padEnd(width, '0').slice(0, width);
    case 'a':
      return c.hour < 12 ? 'AM' : 'PM';
    case 'E':
      return width >= 4 ? (DAYS[c.weekday] as string) : (DAYS[c.weekday] as string).slice(0, 3);
    case 'Z':
      return width >= 4
        ? `GMT${formatOffset(c.offsetMinutes, true, false)}`
        : formatOffset(c.offsetMinutes, false, false);
    case 'X':
    case 'x':
      return formatOffset(c.offsetMinutes, width >= 3, letter === 'X', width !== 1 || c.offsetMinutes % 60 !== 0);
    case 'z':
    case 'V':
      return c.zone;
    default:
      throw new Error(`Unsupported date-time pattern letter "${letter}"`);
  }
}

export function formatEpochMillis(epochMs: number, format: string, timeZone?: string): string {
  const clock = wallClock(epochMs, timeZone);
  return tokenize(format)
    .map((t) => (t.kind === 'literal' ? t.text : formatField(t.letter, t.width, clock)))
    .join('');
}

// ---- parsing ---------------------------------------------------------------------------------------------------

const FIELD_PATTERNS: Record<string, (width: number) => string> = {
  y: (w) => (w === 2 ? '\\d{2}' : '[+-]?\\d{1,9}'),
  M: (w) => (w >= 3 ? '[A-Za-z]+' : w === 2 ? '\\d{2}' : '\\d{1,2}'),
  d: (w) => (w === 2 ? '\\d{2}' : '\\d{1,2}'),
  H: (w) => (w === 2 ? '\\d{2}' : '\\d{1,2}'),
  h: (w) => (w === 2 ? '\\d{2}' : '\\d{1,2}'),
  m: (w) => (w === 2 ? '\\d{2}' : '\\d{1,2}'),
  s: (w) => (w === 2 ? '\\d{2}' : '\\d{1,2}'),
  S: (w) => `\\d{${w}}`,
  a: () => '[AaPp][Mm]',
  E: () => '[A-Za-z]+',
  Z: () => '(?:GMT)?[+-]\\d{2}:?\\d{2}|Z',
  X: () => 'Z|[+-]\\d{2}(?::?\\d{2})?',
  x: () => '[+-]\\d{2}(?::?\\d{2})?',
};

function canonicalLetter(letter: string): string {
  return letter === 'u' || letter === 'Y' ? 'y' : letter === 'L' ? 'M' : letter;
}

function parseOffset(text: string): number {
  const match = /([+-])(\d{2}):?(\d{2})?/.exec(text);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

export function parseToEpochMillis(text: string, format: string, timeZone?: string): number {
  const fields = tokenize(format);
  const letters: { letter: string; width: number }[] = [];
  const source = fields
    .map((t) => {
      if (t.kind === 'literal') return t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const letter = canonicalLetter(t.letter);
      const pattern = FIELD_PATTERNS[letter];
      if (!pattern) throw new Error(`Unsupported date-time pattern letter "${t.letter}"`);
      letters.push({ letter, width: t.width });
      return `(${pattern(t.width)})`;
    })
    .join('');
  const match = new RegExp(`^${source}$`).exec(text);
  if (!match) throw new Error(`Text '${text}' could not be parsed with pattern '${format}'`);
  const v = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0, pm: null as boolean | null, offset: null as number | null };
  letters.forEach(({ letter, width }, i) => {
    const raw = match[i + 1] as string;
    if (letter === 'y') v.y = width === 2 ? 2000 + Number(raw) : Number(raw);
    else if (letter === 'M') v.M = width >= 3 ? monthFromName(raw) : Number(raw);
    else if (letter === 'd') v.d = Number(raw);
    else if (letter === 'H' || letter === 'h') v.H = Number(raw);
    else if (letter === 'm') v.m = Number(raw);
    else if (letter === 's') v.s = Number(raw);
    else if (letter === 'S') v.S = Math.round(Number(`0.${raw}`) * 1000);
    else if (letter === 'a') v.pm = raw.toUpperCase() === 'PM';
    else if (letter === 'Z' || letter === 'X' || letter === 'x') v.offset = raw === 'Z' ? 0 : parseOffset(raw);
  });
  if (v.pm !== null) v.H = (v.H % 12) + (v.pm ? 12 : 0);
  const wallAsUtc = Date.UTC(v.y, v.M - 1, v.d, v.H, v.m, v.s, v.S);
  if (v.offset !== null) return wallAsUtc - v.offset * 60000;
  return wallAsUtc - zoneOffsetAt(wallAsUtc, timeZone ?? 'UTC') * 60000;
}

/** The zone's offset for a wall-clock time (two passes settle DST transitions). */
function zoneOffsetAt(wallAsUtc: number, timeZone: string): number {
  const first = wallClock(wallAsUtc, timeZone).offsetMinutes;
  return wallClock(wallAsUtc - first * 60000, timeZone).offsetMinutes;
}

function monthFromName(name: string): number {
  const index = MONTHS.findIndex((m) => m.toLowerCase().startsWith(name.toLowerCase().slice(0, 3)));
  if (index < 0) throw new Error(`Unknown month name "${name}"`);
  return index + 1;
}

export const timeUtil = {
  nowISO8601: () => new Date().toISOString(),
  nowEpochSeconds: () => Math.floor(Date.now() / 1000),
  nowEpochMilliSeconds: () => Date.now(),
  nowFormatted: (format: string, timeZone?: string) => formatEpochMillis(Date.now(), format, timeZone),
  parseFormattedToEpochMilliSeconds: (time: string, format: string, timeZone?: string) =>
    parseToEpochMillis(time, format, timeZone),
  parseISO8601ToEpochMilliSeconds(time: string): number {
    const ms = Date.parse(time);
    if (Number.isNaN(ms)) throw new Error(`Text '${time}' could not be parsed as ISO-8601`);
    return ms;
  },
  epochMilliSecondsToSeconds: (epochMs: number) => Math.floor(epochMs / 1000),
  epochMilliSecondsToISO8601: (epochMs: number) => new Date(epochMs).toISOString(),
  epochMilliSecondsToFormatted: (epochMs: number, format: string, timeZone?: string) =>
    formatEpochMillis(epochMs, format, timeZone),
};
