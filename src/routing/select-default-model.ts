import type { ModelRef } from '../model/model-ref.js';
import { credentialFromEnvironment } from '../providers/create-provider.js';
import { findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';

/** The order PROVIDERS.md gives for a default model when none is configured. */
export const DEFAULT_MODEL_ORDER: readonly ModelRef[] = [
  { provider: 'anthropic', model: 'claude-sonnet-4-6' },
  { provider: 'openai', model: 'gpt-5.2' },
];

/** The first default whose provider has a credential; undefined when none has. */
export function selectDefaultModel(entries: readonly ProviderEntry[], environment: NodeJS.ProcessEnv): ModelRef | undefined {
  for (const candidate of DEFAULT_MODEL_ORDER) {
    const entry = findProviderEntry(candidate.provider, entries);
    if (entry && credentialFromEnvironment(entry, environment)) return candidate;
  }
  return undefined;
}

export const NO_PROVIDER_MESSAGE = [
  'No model provider is configured. Any one of these works:',
  '  - export ANTHROPIC_API_KEY=...   (Anthropic API key)',
  '  - export OPENAI_API_KEY=...      (OpenAI API key; OPENAI_BASE_URL for a compatible server)',
  '  - pass a model explicitly: openkoi -m provider/model "task"',
  '  - set [models] executor = "provider/model" in ~/.openkoi/config.toml',
].join('\n');
