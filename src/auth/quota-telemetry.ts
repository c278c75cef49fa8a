import { join } from 'node:path';
import { readRateLimitHeaders, type RateLimitReport } from '../providers/read-rate-limit-headers.js';
import { writeFileAtomically } from './atomic-write-file.js';
import { isRecord, readCredentialFile } from './read-credential-file.js';

/** The last limits a provider reported, and when. Kept per provider in `OPENKOI_HOME/quota.json`. */
export interface QuotaSnapshot extends RateLimitReport {
  observedAt: number;
}

export function quotaPath(openkoiHome: string): string {
  return join(openkoiHome, 'quota.json');
}

export function readQuotaSnapshots(openkoiHome: string): Record<string, QuotaSnapshot> {
  const file = readCredentialFile(quotaPath(openkoiHome), quotaPath(openkoiHome));
  if (file.state !== 'ok' || !isRecord(file.data)) return {};
  const snapshots: Record<string, QuotaSnapshot> = {};
  for (const [provider, value] of Object.entries(file.data)) {
    if (isRecord(value) && typeof value['observedAt'] === 'number') snapshots[provider] = value as unknown as QuotaSnapshot;
  }
  return snapshots;
}

/**
 * A recorder for one provider: reads a reply's rate-limit headers and keeps the latest report.
 * Telemetry only: last writer wins between processes, and a failure to write is ignored (it must
 * never fail a model call). The file holds numbers and times, never a credential.
 */
export function quotaRecorder(openkoiHome: string, provider: string, now: () => number = Date.now): (headers: Headers) => void {
  return (headers) => {
    const report = readRateLimitHeaders(headers, now());
    if (!report) return;
    try {
      const snapshots = readQuotaSnapshots(openkoiHome);
      snapshots[provider] = { observedAt: now(), ...report };
      writeFileAtomically(quotaPath(openkoiHome), `${JSON.stringify(snapshots, null, 2)}\n`, { mode: 0o600 });
    } catch {
      // A read-only home or a full disk: the call itself still succeeds.
    }
  };
}

/** One line for a snapshot: "requests 4990/5000 left, resets in 12m · 5h window 12% used". */
export function describeQuota(snapshot: QuotaSnapshot, now: number): string {
  const parts: string[] = [];
  for (const kind of ['requests', 'tokens'] as const) {
    const counter = snapshot[kind];
    if (!counter) continue;
    const amount = counter.remaining !== undefined ? `${counter.remaining}${counter.limit !== undefined ? `/${counter.limit}` : ''} left` : `limit ${counter.limit}`;
    parts.push(`${kind} ${amount}${counter.resetAt !== undefined ? `, ${describeReset(counter.resetAt, now)}` : ''}`);
  }
  for (const window of snapshot.windows ?? []) {
    const span = window.windowMinutes !== undefined ? `${describeMinutes(window.windowMinutes)} window` : `${window.name} window`;
    parts.push(`${span} ${window.usedPercent}% used${window.resetAt !== undefined ? `, ${describeReset(window.resetAt, now)}` : ''}`);
  }
  return `${parts.join(' · ')} (seen ${relativeTime(snapshot.observedAt, now)})`;
}

/** "resets in 12m", or "reset 3m ago" for a snapshot older than its reset (the figure is stale). */
function describeReset(resetAt: number, now: number): string {
  return `${resetAt >= now ? 'resets' : 'reset'} ${relativeTime(resetAt, now)}`;
}

function describeMinutes(minutes: number): string {
  if (minutes % (60 * 24) === 0) return `${minutes / 60 / 24}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** "in 47m", "3h ago". */
export function relativeTime(at: number, now: number): string {
  const difference = at - now;
  const magnitude = Math.abs(difference);
  const text =
    magnitude < 60_000 ? `${Math.round(magnitude / 1000)}s` : magnitude < 3_600_000 ? `${Math.round(magnitude / 60_000)}m` : magnitude < 86_400_000 ? `${Math.round(magnitude / 3_600_000)}h` : `${Math.round(magnitude / 86_400_000)}d`;
  return difference >= 0 ? `in ${text}` : `${text} ago`;
}
