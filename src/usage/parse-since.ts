/** `--since` was neither `<days>d` nor a date. */
export class InvalidSinceError extends Error {
  override name = 'InvalidSinceError';
}

/**
 * `--since 30d | 7d | 2026-11-01` as the local midnight it starts at. `7d` is today and the six
 * days before it, so a by-day table shows exactly seven rows.
 */
export function parseSince(text: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const days = /^([1-9]\d{0,3})d$/i.exec(trimmed);
  if (days) return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (Number(days[1]) - 1));
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const start = new Date(year, month - 1, day);
    // new Date() rolls 2026-02-31 over into March; a date that does not exist is a typo.
    if (start.getFullYear() === year && start.getMonth() === month - 1 && start.getDate() === day) return start;
  }
  throw new InvalidSinceError(`--since ${text}: expected a number of days such as 30d or 7d, or a date such as 2026-11-01.`);
}

/** The local calendar day of an instant, `YYYY-MM-DD`: spend is grouped by the user's days. */
export function localDay(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight of the day `now` falls in. */
export function startOfLocalDay(now: Date = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}
