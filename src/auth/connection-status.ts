import type { ProviderEntry } from '../providers/provider-catalog.js';
import { inspectCredentials, type AuthMode, type DiscoveryContext } from './discover-credentials.js';
import { REFRESH_MARGIN_MS } from './chatgpt-session.js';
import { describeQuota, readQuotaSnapshots, relativeTime, type QuotaSnapshot } from './quota-telemetry.js';

/** One provider in `openkoi connect status`: never the secret, not even masked. */
export interface ConnectionStatus {
  provider: string;
  name: string;
  connected: boolean;
  /** Where the credential in use comes from: environment, OAuth store, saved key, another CLI. */
  source?: string;
  sourceKind?: 'environment' | 'oauth' | 'saved key' | 'other cli' | 'local';
  authMode?: AuthMode;
  /** valid · expiring (renewed on next use) · expired · not usable. */
  validity?: 'valid' | 'expiring' | 'expired' | 'not usable';
  expiresAt?: string;
  /** "expires in 47m", "expired 3h ago". */
  expiry?: string;
  /** Credentials found but not used, each with the reason and what to do instead. */
  notUsable: Array<{ source: string; reason: string }>;
  /** What the vendor last reported about its limits (its own row, apart from the model). */
  quota?: QuotaSnapshot & { summary: string };
}

export function buildConnectionStatus(entries: readonly ProviderEntry[], context: DiscoveryContext): ConnectionStatus[] {
  const now = (context.now ?? Date.now)();
  const quotas = readQuotaSnapshots(context.openkoiHome);
  return entries
    .filter((entry) => entry.api !== 'ollama')
    .map((entry) => {
      const findings = inspectCredentials(entry, context);
      const used = findings.find((finding) => finding.usable);
      const notUsable = findings
        .filter((finding) => !finding.usable)
        .map((finding) => ({ source: finding.source, reason: finding.note ?? 'not usable' }));
      const quota = quotas[entry.id];
      const status: ConnectionStatus = { provider: entry.id, name: entry.name, connected: used !== undefined, notUsable };
      if (used) {
        status.source = used.source;
        status.sourceKind = sourceKind(used.source);
        status.authMode = used.authMode;
        status.validity = 'valid';
        if (used.expiresAt !== undefined) {
          status.expiresAt = new Date(used.expiresAt).toISOString();
          // A ChatGPT token near or past expiry is renewed on the next call: expiring, not dead.
          status.validity = used.expiresAt - now > REFRESH_MARGIN_MS ? 'valid' : 'expiring';
          status.expiry = used.expiresAt > now ? `expires ${relativeTime(used.expiresAt, now)}` : `expired ${relativeTime(used.expiresAt, now)}, renewed on next use`;
        }
      } else if (notUsable.length > 0) {
        const expired = findings.find((finding) => finding.note === 'expired');
        status.validity = expired ? 'expired' : 'not usable';
        if (expired?.expiresAt !== undefined) {
          status.expiresAt = new Date(expired.expiresAt).toISOString();
          status.expiry = `expired ${relativeTime(expired.expiresAt, now)}`;
        }
      }
      if (quota) status.quota = { ...quota, summary: describeQuota(quota, now) };
      return status;
    });
}

function sourceKind(source: string): ConnectionStatus['sourceKind'] {
  if (source.startsWith('env ')) return 'environment';
  if (source.startsWith('auth store')) return 'oauth';
  if (source.startsWith('saved key')) return 'saved key';
  if (source.startsWith('local')) return 'local';
  return 'other cli';
}
