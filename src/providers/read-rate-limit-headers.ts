/**
 * What a vendor reports about its limits in reply headers, normalised: remaining requests and
 * tokens with their reset times (OpenAI-style `x-ratelimit-*`, used by OpenAI, Groq, GitHub Models
 * and most compatible servers; Anthropic's `anthropic-ratelimit-*`), and ChatGPT's usage windows
 * (`x-codex-primary-*` / `x-codex-secondary-*`: percent used of a rolling window).
 */
export interface RateLimitCounter {
  limit?: number;
  remaining?: number;
  /** ms since the epoch. */
  resetAt?: number;
}

export interface UsageWindow {
  name: 'primary' | 'secondary';
  usedPercent: number;
  windowMinutes?: number;
  resetAt?: number;
}

export interface RateLimitReport {
  requests?: RateLimitCounter;
  tokens?: RateLimitCounter;
  windows?: UsageWindow[];
}

export function readRateLimitHeaders(headers: Headers, now: number): RateLimitReport | undefined {
  const report: RateLimitReport = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const counter =
      counterFrom(headers, `x-ratelimit-limit-${kind}`, `x-ratelimit-remaining-${kind}`, `x-ratelimit-reset-${kind}`, now) ??
      counterFrom(headers, `anthropic-ratelimit-${kind}-limit`, `anthropic-ratelimit-${kind}-remaining`, `anthropic-ratelimit-${kind}-reset`, now);
    if (counter) report[kind] = counter;
  }
  const windows: UsageWindow[] = [];
  for (const name of ['primary', 'secondary'] as const) {
    const used = numberHeader(headers, `x-codex-${name}-used-percent`);
    if (used === undefined) continue;
    const minutes = numberHeader(headers, `x-codex-${name}-window-minutes`);
    const resetAfter = numberHeader(headers, `x-codex-${name}-reset-after-seconds`);
    windows.push({ name, usedPercent: used, ...(minutes !== undefined ? { windowMinutes: minutes } : {}), ...(resetAfter !== undefined ? { resetAt: now + resetAfter * 1000 } : {}) });
  }
  if (windows.length > 0) report.windows = windows;
  return Object.keys(report).length > 0 ? report : undefined;
}

function counterFrom(headers: Headers, limitName: string, remainingName: string, resetName: string, now: number): RateLimitCounter | undefined {
  const limit = numberHeader(headers, limitName);
  const remaining = numberHeader(headers, remainingName);
  if (limit === undefined && remaining === undefined) return undefined;
  const resetAt = parseReset(headers.get(resetName), now);
  return { ...(limit !== undefined ? { limit } : {}), ...(remaining !== undefined ? { remaining } : {}), ...(resetAt !== undefined ? { resetAt } : {}) };
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** `6m0s`, `1.5s`, `20ms` (OpenAI), an RFC 3339 date (Anthropic), or plain seconds. */
export function parseReset(raw: string | null, now: number): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return now + Number(text) * 1000;
  const duration = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(text);
  if (duration && duration.slice(1).some((part) => part !== undefined)) {
    const [, hours, minutes, seconds, milliseconds] = duration;
    return now + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000 + Number(milliseconds ?? 0);
  }
  const date = Date.parse(text);
  return Number.isFinite(date) ? date : undefined;
}
