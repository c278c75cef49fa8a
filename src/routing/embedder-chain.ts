import { discoverCredential, type DiscoveryContext } from '../auth/discover-credentials.js';
import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { formatModelRef, parseModelRef, type ModelRef } from '../model/model-ref.js';
import { OFFLINE_EMBEDDING_MODEL, OFFLINE_PROVIDER_ID } from '../providers/offline/offline-embedder.js';
import { findProviderEntry, providerIds, type ProviderEntry } from '../providers/provider-catalog.js';

/** The embedder that needs no key and no network: last in every default chain. */
export const OFFLINE_EMBEDDER: ModelRef = { provider: OFFLINE_PROVIDER_ID, model: OFFLINE_EMBEDDING_MODEL };

/** Each vendor's embedding model, in the order the default chain tries them (issue 11). */
export const DEFAULT_EMBEDDER_ORDER: readonly ModelRef[] = [
  { provider: 'openai', model: 'text-embedding-3-small' },
  { provider: 'google', model: 'gemini-embedding-001' },
  { provider: 'ollama', model: 'nomic-embed-text' },
  { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0' },
];

export interface EmbedderChainContext {
  entries: readonly ProviderEntry[];
  discovery: DiscoveryContext;
  /** Ollama serves a generating role of this run: it is known to be set up, so it may embed too. */
  ollamaInUse?: boolean;
}

/**
 * The embedder role's candidates. Configured (`--embedder`, OPENKOI_EMBEDDER, `[models] embedder`,
 * `[models.fallback] embedder`): exactly those, `offline/universal-sentence-encoder` included if
 * named. Otherwise: the vendors whose credentials are found (Ollama only when the run already
 * uses it: an unreachable or model-less Ollama would stop the chain), then the offline embedder.
 * Never probes the network.
 */
export function resolveEmbedderChain(config: OpenkoiConfig, context: EmbedderChainContext): ModelRef[] {
  const known = [...providerIds(context.entries), OFFLINE_PROVIDER_ID];
  const parse = (text: string, key: string): ModelRef => {
    try {
      return parseModelRef(text, known);
    } catch (error) {
      throw new ConfigError(`embedder model: ${(error as Error).message}`, 'models', key);
    }
  };
  const primary = config.models?.embedder ? parse(config.models.embedder, 'models.embedder') : undefined;
  const fallback = (config.models?.fallback?.embedder ?? []).map((text, index) => parse(text, `models.fallback.embedder[${index}]`));
  if (primary) return unique([primary, ...fallback]);
  const available = DEFAULT_EMBEDDER_ORDER.filter((candidate) => {
    const entry = findProviderEntry(candidate.provider, context.entries);
    if (!entry) return false;
    if (entry.api === 'ollama') return context.ollamaInUse === true;
    return discoverCredential(entry, context.discovery) !== undefined;
  });
  return unique([...fallback, ...available, OFFLINE_EMBEDDER]);
}

/**
 * The config without the embedder's keys, for code that parses models against the provider
 * catalog alone (the offline embedder is not a catalog provider: it only embeds).
 */
export function withoutEmbedder(config: OpenkoiConfig): OpenkoiConfig {
  if (!config.models) return config;
  const { embedder: _embedder, fallback, ...models } = config.models;
  const rest = fallback ? (({ embedder: _fallbackEmbedder, ...roles }) => roles)(fallback) : undefined;
  return { ...config, models: { ...models, ...(rest ? { fallback: rest } : {}) } };
}

function unique(chain: ModelRef[]): ModelRef[] {
  const seen = new Set<string>();
  return chain.filter((candidate) => {
    const key = formatModelRef(candidate);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
