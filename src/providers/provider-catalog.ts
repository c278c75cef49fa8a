/** The wire protocol a provider speaks; one adapter per wire API. */
export type WireApi = 'openai-chat' | 'anthropic-messages';

export interface ProviderEntry {
  id: string;
  name: string;
  api: WireApi;
  /** Environment variables holding the key, first found wins. */
  keyVariables: string[];
  /** Base URL for OpenAI-compatible vendors; undefined lets the SDK decide (and honour its own env var). */
  baseURL?: string;
  /** Environment variable that overrides the base URL. */
  baseURLVariable?: string;
  defaultModel?: string;
  aliases?: string[];
}

/** Built-in providers (see shared/PROVIDERS.md). Custom ones come from `[providers.<id>]`. */
export const BUILTIN_PROVIDERS: readonly ProviderEntry[] = [
  {
    id: 'anthropic',
    name: 'Anthropic',
    api: 'anthropic-messages',
    keyVariables: ['ANTHROPIC_API_KEY'],
    baseURLVariable: 'ANTHROPIC_BASE_URL',
    defaultModel: 'claude-sonnet-4-6',
  },
  {
    id: 'openai',
    name: 'OpenAI',
    api: 'openai-chat',
    keyVariables: ['OPENAI_API_KEY'],
    baseURLVariable: 'OPENAI_BASE_URL',
    defaultModel: 'gpt-5.2',
  },
];

export function findProviderEntry(id: string, entries: readonly ProviderEntry[] = BUILTIN_PROVIDERS): ProviderEntry | undefined {
  return entries.find((entry) => entry.id === id || entry.aliases?.includes(id));
}

export function providerIds(entries: readonly ProviderEntry[] = BUILTIN_PROVIDERS): string[] {
  return entries.flatMap((entry) => [entry.id, ...(entry.aliases ?? [])]);
}
