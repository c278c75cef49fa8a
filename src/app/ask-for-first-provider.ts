import { ollamaHostSetting } from '../auth/discover-providers.js';
import type { DiscoveryContext } from '../auth/discover-credentials.js';
import { cleanPastedKey } from '../auth/clean-pasted-key.js';
import { saveKey } from '../auth/saved-keys.js';
import type { ModelRef } from '../model/model-ref.js';
import { OLLAMA_PULL_SUGGESTION, pickBestOllamaModel } from '../providers/ollama/pick-best-ollama-model.js';
import { probeOllama } from '../providers/ollama/probe-ollama.js';
import { findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';
import type { AskForProvider } from '../routing/choose-default-model.js';
import { DEFAULT_MODEL_ORDER } from '../routing/select-default-model.js';
import { pickFirstProvider, type PickerTerminal } from '../ui/first-provider-picker.js';

/**
 * The setup picker as routing's AskForProvider: only on a terminal (stdin and stderr both TTYs);
 * it probes Ollama afresh or saves a pasted key, and answers with the model to use.
 */
export function askOnTerminal(entries: readonly ProviderEntry[], context: DiscoveryContext, terminal: PickerTerminal): AskForProvider {
  return async () => {
    if (!terminal.input.isTTY || !terminal.output.isTTY) return undefined;
    return pickWithTerminal(entries, context, terminal, entries.find((entry) => entry.api === 'ollama'));
  };
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
    cleanKey: cleanPastedKey,
  });
  if (choice.kind === 'ollama' && ollama) return { provider: ollama.id, model: choice.model };
  if (choice.kind === 'key') return DEFAULT_MODEL_ORDER.find((candidate) => candidate.provider === choice.providerId);
  return undefined;
}
