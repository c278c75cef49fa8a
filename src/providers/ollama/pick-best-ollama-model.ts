/** The families PROVIDERS.md prefers, best first: coding models, then strong general ones. */
export const PREFERRED_OLLAMA_FAMILIES: readonly string[] = [
  'qwen2.5-coder',
  'codestral',
  'deepseek-coder-v2',
  'llama3.3',
  'llama3.1',
  'mistral',
  'gemma2',
];

export const OLLAMA_PULL_SUGGESTION = 'ollama pull llama3.3';

/**
 * The best installed model: the first preferred family with an installed tag (`llama3.3:70b`
 * matches `llama3.3`), else the first model installed; undefined when none is. A family matches
 * the name's base up to the tag, so `mistral` does not claim `mistral-nemo`, nor `llama3.1`
 * `llama3.10`; a namespaced name (`library/llama3.3`) is matched on its last segment.
 */
export function pickBestOllamaModel(installed: readonly string[]): string | undefined {
  const base = (name: string): string => name.split(':')[0]!.split('/').pop()!.toLowerCase();
  for (const family of PREFERRED_OLLAMA_FAMILIES) {
    const match = installed.find((name) => base(name) === family);
    if (match) return match;
  }
  return installed[0];
}
