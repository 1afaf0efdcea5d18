// Plain-text formatting shared by the scripts that print conversations.

/** Stored ISO-8601 UTC timestamp as "YYYY-MM-DD HH:MM:SS UTC" (stored values are always UTC with ms). */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

/** One line, at most `max` characters, so a long or multi-line message cannot break the table. */
export function oneLine(text: string | undefined, max: number): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
