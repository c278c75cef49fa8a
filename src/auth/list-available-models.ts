import type { OpenkoiConfig } from '../config/config-schema.js';
import { listModels, type ProviderModelList } from '../providers/list-models.js';
import { pickBestOllamaModel } from '../providers/ollama/pick-best-ollama-model.js';
import { findProviderEntry } from '../providers/provider-catalog.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { discoveryContext } from './discover-credentials.js';
import { discoverProviders } from './discover-providers.js';

export interface ListAvailableModelsOptions {
  environment?: NodeJS.ProcessEnv;
  /** The config, loaded by the caller with the workspace's trust decision (loadConfig). */
  config: OpenkoiConfig;
  /** Only this provider (an id or alias). */
  provider?: string;
  onWarning?: (message: string) => void;
}

/** `openkoi models`: the models of every provider discovered on this machine. */
export async function listAvailableModels(options: ListAvailableModelsOptions): Promise<ProviderModelList[]> {
  const environment = options.environment ?? process.env;
  const config = options.config;
  let entries = resolveProviderEntries(config);
  if (options.provider) {
    const wanted = findProviderEntry(options.provider, entries);
    if (!wanted) throw new Error(`Unknown provider "${options.provider}". Providers: ${entries.map((entry) => entry.id).join(', ')}.`);
    entries = [wanted];
  }
  const available = await discoverProviders(entries, discoveryContext(environment, options.onWarning));
  const extraModels = Object.fromEntries(Object.entries(config.providers ?? {}).map(([id, settings]) => [id, settings.models ?? []]));
  return listModels(
    available.map(({ entry, credential, probe }) => {
      const best = probe ? pickBestOllamaModel(probe.models) : undefined;
      return { entry, credential, ...(best ? { defaultModel: best } : {}) };
    }),
    environment,
    extraModels,
  );
}
