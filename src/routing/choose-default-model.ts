import { ollamaHostSetting } from '../auth/discover-providers.js';
import type { DiscoveryContext } from '../auth/discover-credentials.js';
import { saveKey } from '../auth/saved-keys.js';
import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import type { ModelRef } from '../model/model-ref.js';
import { OLLAMA_PULL_SUGGESTION, pickBestOllamaModel } from '../providers/ollama/pick-best-ollama-model.js';
import { probeOllama } from '../providers/ollama/probe-ollama.js';
import { findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';
import { pickFirstProvider, type PickerTerminal } from '../ui/first-provider-picker.js';
import { resolveRoleModels, type RoleModels } from './resolve-role-models.js';
import { DEFAULT_MODEL_ORDER, NO_PROVIDER_MESSAGE, selectDefaultModel } from './select-default-model.js';

/**
 * The role models of a run, choosing a default only when the config leaves a generating role
 * without one. Only then is Ollama probed or the user asked: a task whose models are set never
 * pays for either.
 */
export async function resolveRoleModelsWithDefault(
  config: OpenkoiConfig,
  entries: readonly ProviderEntry[],
  context: DiscoveryContext,
  terminal?: PickerTerminal,
): Promise<RoleModels> {
  const models = config.models ?? {};
  const needsDefault = !models.executor && (!models.evaluator || !models.planner);
  const defaultModel = needsDefault ? await chooseDefaultModel(entries, context, terminal) : undefined;
  return resolveRoleModels(config, entries, context.environment, defaultModel);
}

/**
 * PROVIDERS.md's default: anthropic, openai, google (whichever has a credential), then the best
 * installed Ollama model. None: the setup picker on a terminal (stdin and stderr both TTYs), else
 * a ConfigError listing every way to configure a provider.
 */
export async function chooseDefaultModel(entries: readonly ProviderEntry[], context: DiscoveryContext, terminal?: PickerTerminal): Promise<ModelRef> {
  const direct = selectDefaultModel(entries, context.environment, context);
  if (direct) return direct;
  const ollama = entries.find((entry) => entry.api === 'ollama');
  let ollamaHint = '';
  if (ollama) {
    const probe = await probeOllama({ host: ollamaHostSetting(ollama, context), openkoiHome: context.openkoiHome });
    const best = pickBestOllamaModel(probe.models);
    if (best) return { provider: ollama.id, model: best };
    if (probe.reachable) ollamaHint = `\nOllama is running at ${probe.host} but has no model installed: run \`${OLLAMA_PULL_SUGGESTION}\`.`;
  }
  if (terminal?.input.isTTY && terminal.output.isTTY) {
    const picked = await pickWithTerminal(entries, context, terminal, ollama);
    if (picked) return picked;
  }
  throw new ConfigError(`${NO_PROVIDER_MESSAGE}${ollamaHint}`, 'models');
}

async function pickWithTerminal(
  entries: readonly ProviderEntry[],
  context: DiscoveryContext,
  terminal: PickerTerminal,
  ollama: ProviderEntry | undefined,
): Promise<ModelRef | undefined> {
  const keyProviders = DEFAULT_MODEL_ORDER.flatMap((candidate) => {
    const entry = findProviderEntry(candidate.provider, entries);
    return entry && entry.keyVariables[0] ? [{ id: entry.id, name: entry.name, keyVariable: entry.keyVariables[0] }] : [];
  });
  const choice = await pickFirstProvider(terminal, {
    keyProviders,
    async checkOllama() {
      if (!ollama) return { problem: 'Ollama is not among the configured providers.' };
      const probe = await probeOllama({ host: ollamaHostSetting(ollama, context), openkoiHome: context.openkoiHome, fresh: true });
      if (!probe.reachable) return { problem: `Ollama is not reachable at ${probe.host} yet (start it with \`ollama serve\`).` };
      const model = pickBestOllamaModel(probe.models);
      return model ? { model } : { problem: `Ollama is running but has no model: run \`${OLLAMA_PULL_SUGGESTION}\`.` };
    },
    saveKey: (providerId, key) => saveKey(context.openkoiHome, providerId, key),
  });
  if (choice.kind === 'ollama' && ollama) return { provider: ollama.id, model: choice.model };
  if (choice.kind === 'key') return DEFAULT_MODEL_ORDER.find((candidate) => candidate.provider === choice.providerId);
  return undefined;
}
