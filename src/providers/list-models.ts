import { createProvider, type ProviderCredential } from './create-provider.js';
import type { ModelInfo } from './model-provider.js';
import type { ProviderEntry } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';

export interface ProviderModelList {
  provider: string;
  name: string;
  /** Where the credential came from ("env GROQ_API_KEY"). */
  source: string;
  /** `endpoint`: the provider's list API answered; `catalog`: openkoi's own table (no list API, or it failed). */
  listedBy: 'endpoint' | 'catalog';
  models: Array<ModelInfo & { default: boolean }>;
  /** The list endpoint's failure, when there was one; the other providers are still listed. */
  error?: string;
}

export interface ListModelsTarget {
  entry: ProviderEntry;
  credential: ProviderCredential;
  /** The default model, when the catalog has none (Ollama's best installed). */
  defaultModel?: string;
}

/**
 * Each provider's models from its list endpoint (OpenAI-compatible `/models`, Anthropic, Ollama
 * tags), else from the catalog (its default and `[providers.<id>] models`). One provider's failure
 * is reported on its row, never thrown: the others still list.
 */
export async function listModels(targets: readonly ListModelsTarget[], environment: NodeJS.ProcessEnv, extraModels: Record<string, string[]> = {}): Promise<ProviderModelList[]> {
  return Promise.all(
    targets.map(async ({ entry, credential, defaultModel }): Promise<ProviderModelList> => {
      const preferred = defaultModel ?? entry.defaultModel;
      const mark = (models: ModelInfo[]) => models.map((model) => ({ ...model, default: model.id === preferred }));
      const catalog = [...new Set([...(preferred ? [preferred] : []), ...(extraModels[entry.id] ?? [])])].map((id) => ({ id }));
      const base = { provider: entry.id, name: entry.name, source: credential.source };
      try {
        const provider = await createProvider(entry, environment, credential);
        const listed = await provider.models();
        return { ...base, listedBy: 'endpoint', models: mark(listed.length > 0 ? listed : catalog) };
      } catch (error) {
        const message = error instanceof ProviderError ? error.message : String(error);
        return { ...base, listedBy: 'catalog', models: mark(catalog), error: message };
      }
    }),
  );
}
