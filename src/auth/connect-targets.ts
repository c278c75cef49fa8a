import type { ProviderEntry } from '../providers/provider-catalog.js';

/** How `openkoi connect <target>` signs in. */
export type ConnectMethod = 'chatgpt-device' | 'github' | 'api-key';

export interface ConnectTarget {
  /** What the user types: `chatgpt`, `copilot`, `groq`. */
  name: string;
  /** The provider it connects. */
  providerId: string;
  method: ConnectMethod;
  /** One line for the picker. */
  hint: string;
}

const WORDS: Record<string, string> = {
  'openai-codex': 'chatgpt',
  'github-models': 'copilot',
};

/** Every target, in the picker's order: the two sign-ins, then every keyed vendor. */
export function connectTargets(entries: readonly ProviderEntry[]): ConnectTarget[] {
  const targets: ConnectTarget[] = [];
  for (const entry of entries) {
    if (entry.api === 'openai-codex-responses') {
      targets.push({ name: WORDS[entry.id] ?? entry.id, providerId: entry.id, method: 'chatgpt-device', hint: 'ChatGPT Plus/Pro sign-in (device code) for the openai-codex provider' });
    } else if (entry.id === 'github-models') {
      targets.push({ name: 'copilot', providerId: entry.id, method: 'github', hint: 'GitHub Models with your GitHub login (device code, the GitHub CLI, or a token)' });
    }
  }
  for (const entry of entries) {
    if (entry.api === 'ollama' || entry.api === 'bedrock-converse' || entry.api === 'openai-codex-responses' || entry.id === 'github-models') continue;
    const variable = entry.keyVariables[0];
    targets.push({ name: entry.id, providerId: entry.id, method: 'api-key', hint: `paste an API key for ${entry.name}${variable ? ` (instead of ${variable})` : ''}` });
  }
  return targets;
}

/** A target by what the user typed: its name, its provider id or an alias (`github`, `openai-codex`, `kimi`). */
export function findConnectTarget(word: string, entries: readonly ProviderEntry[]): ConnectTarget | undefined {
  const wanted = word.trim().toLowerCase() === 'github' ? 'copilot' : word.trim().toLowerCase();
  const targets = connectTargets(entries);
  return (
    targets.find((target) => target.name === wanted || target.providerId === wanted) ??
    targets.find((target) => entries.find((entry) => entry.id === target.providerId)?.aliases?.includes(wanted))
  );
}
