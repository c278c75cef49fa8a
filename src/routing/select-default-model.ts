import { discoverCredential, discoveryContext, type DiscoveryContext } from '../auth/discover-credentials.js';
import type { ModelRef } from '../model/model-ref.js';
import { findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';

/**
 * The order PROVIDERS.md gives for a default model when none is configured; the best installed
 * Ollama model comes last (choose-default-model.ts, which may probe). claude-sonnet-4-6, not the
 * 4-5 of PROVIDERS.md: the Anthropic SDK marks 4-5 deprecated.
 */
export const DEFAULT_MODEL_ORDER: readonly ModelRef[] = [
  { provider: 'anthropic', model: 'claude-sonnet-4-6' },
  { provider: 'openai', model: 'gpt-5.2' },
  { provider: 'google', model: 'gemini-2.5-pro' },
];

/**
 * The first default whose provider has a usable credential (any discovery source: environment,
 * auth store, Codex CLI key, saved key); undefined when none has. Never probes the network.
 */
export function selectDefaultModel(
  entries: readonly ProviderEntry[],
  environment: NodeJS.ProcessEnv,
  context: DiscoveryContext = discoveryContext(environment),
): ModelRef | undefined {
  for (const candidate of DEFAULT_MODEL_ORDER) {
    const entry = findProviderEntry(candidate.provider, entries);
    if (entry && discoverCredential(entry, context)) return candidate;
  }
  return undefined;
}

/**
 * After PROVIDERS.md's four (anthropic, openai, google, then Ollama): any other provider with a
 * credential and a default model (groq, openrouter, …), in catalog order.
 */
export function selectOtherDefaultModel(
  entries: readonly ProviderEntry[],
  context: DiscoveryContext,
): ModelRef | undefined {
  const first = new Set(DEFAULT_MODEL_ORDER.map((ref) => ref.provider));
  for (const entry of entries) {
    if (first.has(entry.id) || entry.api === 'ollama' || !entry.defaultModel) continue;
    if (discoverCredential(entry, context)) return { provider: entry.id, model: entry.defaultModel };
  }
  return undefined;
}

/** Providers with a credential but no default model: the no-provider message must not pretend there is no key. */
export function credentialedWithoutDefault(entries: readonly ProviderEntry[], context: DiscoveryContext): ProviderEntry[] {
  return entries.filter((entry) => entry.api !== 'ollama' && !entry.defaultModel && discoverCredential(entry, context) !== undefined);
}

export const NO_PROVIDER_MESSAGE = [
  'No model provider is configured. Any one of these works:',
  '  - an API key in the environment: ANTHROPIC_API_KEY, OPENAI_API_KEY, GOOGLE_API_KEY (or GEMINI_API_KEY),',
  '    GROQ_API_KEY, OPENROUTER_API_KEY, TOGETHER_API_KEY, DEEPSEEK_API_KEY, MINIMAX_API_KEY, MOONSHOT_API_KEY, XAI_API_KEY',
  '  - AWS credentials for Bedrock (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, AWS_REGION) with -m bedrock/<model>',
  '  - Ollama, free and local: install it from https://ollama.com/download, then `ollama pull llama3.3`',
  '    (OLLAMA_HOST if it is not on 127.0.0.1:11434)',
  '  - a saved key: the key alone in ~/.openkoi/credentials/<provider>.key (mode 0600), e.g. openai.key',
  '  - the Codex CLI\'s stored OpenAI key (~/.codex/auth.json) is found automatically',
  '  - an OpenAI-compatible server: OPENAI_BASE_URL, or [providers.<id>] base_url / api_key_env in config.toml',
  '  - pass a model explicitly: openkoi -m provider/model "task"',
  '  - set [models] executor = "provider/model" in ~/.openkoi/config.toml',
  'Run openkoi in a terminal to get a setup picker.',
].join('\n');
