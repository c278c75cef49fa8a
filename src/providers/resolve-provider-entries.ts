import type { OpenkoiConfig } from '../config/config-schema.js';
import { BUILTIN_PROVIDERS, type ProviderEntry } from './provider-catalog.js';

/**
 * Built-in providers with `[providers.<id>]` applied: a built-in id there overrides that
 * vendor's base URL, key variable or default model; any other id is a custom
 * OpenAI-compatible endpoint. `commandLine` is the flag layer alone (`--base-url`): a base URL
 * given there wins over the vendor's own variable (OPENAI_BASE_URL), as a flag wins over the
 * environment, and the server it names may take no key (Ollama's /v1, a local vLLM).
 */
export function resolveProviderEntries(config: OpenkoiConfig, commandLine: OpenkoiConfig = {}): ProviderEntry[] {
  const entries = BUILTIN_PROVIDERS.map((entry) => ({ ...entry }));
  for (const [id, settings] of Object.entries(config.providers ?? {})) {
    const existing = entries.find((entry) => entry.id === id || entry.aliases?.includes(id));
    if (existing) {
      if (settings.base_url) existing.baseURL = settings.base_url;
      if (settings.api_key_env) existing.keyVariables = [settings.api_key_env];
      if (settings.default_model) existing.defaultModel = settings.default_model;
      continue;
    }
    entries.push({
      id,
      name: id,
      api: 'openai-chat',
      keyVariables: settings.api_key_env ? [settings.api_key_env] : [],
      // `base_url` alone: a local server that takes no key (vLLM, llama.cpp, LM Studio).
      ...(settings.api_key_env ? {} : { keyless: true }),
      ...(settings.base_url ? { baseURL: settings.base_url } : {}),
      ...(settings.default_model ? { defaultModel: settings.default_model } : {}),
    });
  }
  for (const [id, settings] of Object.entries(commandLine.providers ?? {})) {
    const entry = entries.find((candidate) => candidate.id === id || candidate.aliases?.includes(id));
    if (!entry || !settings.base_url) continue;
    delete entry.baseURLVariable;
    entry.keyless = true;
  }
  return entries;
}
