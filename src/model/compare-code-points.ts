/**
 * Orders two strings by code point. Not localeCompare: its first call loads ICU's collation data,
 * about 25 ms of start-up (measured on `openkoi --help`), and the names sorted here (commands,
 * flags, skills, days, models) are ASCII identifiers that need no locale.
 */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
