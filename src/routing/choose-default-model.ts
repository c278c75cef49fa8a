import { ollamaHostSetting } from '../auth/discover-providers.js';
import type { DiscoveryContext } from '../auth/discover-credentials.js';
import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import type { ModelRef } from '../model/model-ref.js';
import { OLLAMA_PULL_SUGGESTION, pickBestOllamaModel } from '../providers/ollama/pick-best-ollama-model.js';
import { probeOllama } from '../providers/ollama/probe-ollama.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import { resolveRoleModels, type RoleModels } from './resolve-role-models.js';
import { credentialedWithoutDefault, NO_PROVIDER_MESSAGE, selectDefaultModel, selectOtherDefaultModel } from './select-default-model.js';

/**
 * Asks the person at the terminal to set up a provider when none is found (the application layer
 * supplies it, with the picker; routing knows no terminal). Undefined: nobody to ask, or no choice.
 */
export type AskForProvider = () => Promise<ModelRef | undefined>;

/**
 * The role models of a run, choosing a default only when the config leaves a generating role
 * without one. Only then is Ollama probed or the user asked: a task whose models are set never
 * pays for either.
 */
export async function resolveRoleModelsWithDefault(
  config: OpenkoiConfig,
  entries: readonly ProviderEntry[],
  context: DiscoveryContext,
  askForProvider?: AskForProvider,
): Promise<RoleModels> {
  const models = config.models ?? {};
  const needsDefault = !models.executor && (!models.evaluator || !models.planner);
  const defaultModel = needsDefault ? await chooseDefaultModel(entries, context, askForProvider) : undefined;
  return resolveRoleModels(config, entries, context.environment, defaultModel);
}

/**
 * PROVIDERS.md's default: anthropic, openai, google (whichever has a credential), then the best
 * installed Ollama model. None: ask the user (the setup picker, when there is a terminal), else
 * a ConfigError listing every way to configure a provider.
 */
export async function chooseDefaultModel(entries: readonly ProviderEntry[], context: DiscoveryContext, askForProvider?: AskForProvider): Promise<ModelRef> {
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
  const other = selectOtherDefaultModel(entries, context);
  if (other) return other;
  const withoutDefault = credentialedWithoutDefault(entries, context);
  if (withoutDefault.length > 0) {
    // A key is there: saying "no provider is configured" would be false. Name what is missing.
    const names = withoutDefault.map((entry) => entry.id);
    throw new ConfigError(
      `A credential was found for ${names.join(', ')}, but no model is named for it: pass -m ${names[0]}/<model>, ` +
        `or set [providers.${names[0]}] default_model (or [models] executor) in config.toml.`,
      'models',
    );
  }
  const picked = await askForProvider?.();
  if (picked) return picked;
  throw new ConfigError(`${NO_PROVIDER_MESSAGE}${ollamaHint}`, 'models');
}
