import { existsSync } from 'node:fs';
import { readAuthStore, removeAuthStoreEntries } from '../auth/auth-store.js';
import { findConnectTarget } from '../auth/connect-targets.js';
import { inspectCredentials } from '../auth/discover-credentials.js';
import { removeSavedKey, savedKeyPath } from '../auth/saved-keys.js';
import { findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';
import { pickOne } from '../ui/connect-prompts.js';
import { EXIT } from './exit-codes.js';
import { guard, type ConnectIo } from './run-connect.js';

/**
 * `openkoi disconnect [TARGET | all]`: removes what openkoi stored (its auth.json entries and saved
 * keys), never another CLI's files or the environment; says what still provides the provider.
 */
export async function runDisconnect(input: ConnectIo & { target?: string }): Promise<number> {
  return guard(input, async (setup) => {
    const home = setup.discovery.openkoiHome;
    const stored = (entry: ProviderEntry) => {
      const ids = [entry.id, ...(entry.aliases ?? [])];
      const entries = readAuthStore(home, 'auth.json').entries;
      return ids.some((id) => id in entries) || existsSync(savedKeyPath(home, entry.id));
    };
    const connected = setup.entries.filter(stored);
    let chosen: ProviderEntry[];
    if (input.target === undefined) {
      if (connected.length === 0) {
        input.stdout.write('Nothing is connected through openkoi (no auth.json entry or saved key).\n');
        return EXIT.ok;
      }
      if (!setup.interactive) {
        input.stderr.write(`openkoi: say what to disconnect: openkoi disconnect <${connected.map((entry) => entry.id).join(' | ')} | all>\n`);
        return EXIT.usage;
      }
      const picked = await pickOne(setup.terminal, 'Disconnect what?', [
        ...connected.map((entry) => ({ value: entry.id, name: entry.id, description: entry.name })),
        { value: '*all*', name: 'All', description: `every one of the ${connected.length} above` },
      ]);
      chosen = picked === '*all*' ? connected : connected.filter((entry) => entry.id === picked);
    } else if (input.target.trim().toLowerCase() === 'all') {
      chosen = connected;
    } else {
      const target = findConnectTarget(input.target, setup.entries);
      const entry = target ? findProviderEntry(target.providerId, setup.entries) : findProviderEntry(input.target.trim().toLowerCase(), setup.entries);
      if (!entry) {
        input.stderr.write(`openkoi: nothing called "${input.target}" to disconnect. Connected: ${connected.map((item) => item.id).join(', ') || 'none'}.\n`);
        return EXIT.usage;
      }
      chosen = [entry];
    }
    const lines: string[] = [];
    for (const entry of chosen) {
      const removed = await removeAuthStoreEntries(home, [entry.id, ...(entry.aliases ?? [])]);
      const keyRemoved = removeSavedKey(home, entry.id);
      const what = [removed.length > 0 ? 'sign-in' : '', keyRemoved ? 'saved key' : ''].filter(Boolean).join(' and ');
      lines.push(what ? `Disconnected ${entry.id} (removed its ${what}).` : `${entry.id} had nothing stored by openkoi.`);
      const still = inspectCredentials(entry, setup.discovery).find((finding) => finding.usable);
      if (still && entry.api !== 'ollama') lines.push(`  ${entry.id} is still available from ${still.source}, which openkoi does not change.`);
    }
    if (lines.length === 0) lines.push('Nothing is connected through openkoi.');
    input.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}
