import type { ConnectionStatus } from '../auth/connection-status.js';
import { formatTable } from './format-table.js';

/** `openkoi connect status` for a person: one row per provider, limits and unusable findings below. */
export function renderConnectionStatus(statuses: readonly ConnectionStatus[]): string {
  const parts: string[] = [];
  parts.push(
    formatTable(
      [{ header: 'provider' }, { header: 'connected' }, { header: 'source' }, { header: 'auth' }, { header: 'validity' }],
      statuses.map((status) => [
        status.provider,
        status.connected ? 'yes' : status.notUsable.length > 0 ? 'found, not usable' : 'no',
        status.source ?? status.notUsable[0]?.source ?? '',
        status.authMode ?? '',
        [status.validity, status.expiry].filter(Boolean).join(', '),
      ]),
      '',
    ),
  );
  const limits = statuses.filter((status) => status.quota);
  if (limits.length > 0) {
    parts.push('Limits (as the vendor last reported them)');
    parts.push(limits.map((status) => `  ${status.provider}: ${status.quota!.summary}`).join('\n') + '\n');
  }
  const notUsable = statuses.flatMap((status) => status.notUsable.map((finding) => `  ${status.provider} (${finding.source}): ${finding.reason}`));
  if (notUsable.length > 0) {
    parts.push('Found, not usable');
    parts.push(notUsable.join('\n') + '\n');
  }
  return parts.join('\n');
}
