import { probeOllama, type OllamaProbeResult } from '../providers/ollama/probe-ollama.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import { discoverCredential, type DiscoveredCredential, type DiscoveryContext } from './discover-credentials.js';

export interface AvailableProvider {
  entry: ProviderEntry;
  credential: DiscoveredCredential;
  /** For Ollama: what the probe found. */
  probe?: OllamaProbeResult;
}

/**
 * The providers that can be used right now: every entry with a usable credential, and Ollama
 * when the probe (step 8 of discovery, cached) finds it running. For `openkoi models` and
 * `status`, never for a task whose providers are already chosen.
 */
export async function discoverProviders(entries: readonly ProviderEntry[], context: DiscoveryContext): Promise<AvailableProvider[]> {
  const available: AvailableProvider[] = [];
  for (const entry of entries) {
    const credential = discoverCredential(entry, context);
    if (!credential) continue;
    if (entry.api === 'ollama') {
      const probe = await probeOllama({ host: ollamaHostSetting(entry, context), openkoiHome: context.openkoiHome });
      if (!probe.reachable) continue;
      available.push({ entry, credential, probe });
      continue;
    }
    available.push({ entry, credential });
  }
  return available;
}

export function ollamaHostSetting(entry: ProviderEntry, context: DiscoveryContext): string | undefined {
  return (entry.baseURLVariable && context.environment[entry.baseURLVariable]?.trim()) || entry.baseURL;
}
