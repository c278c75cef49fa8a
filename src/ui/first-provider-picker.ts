import { askSecret, pickOne, PromptInterrupted } from './connect-prompts.js';

export interface PickerTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

/** What the picker can do, supplied by the caller (so it holds no knowledge of files or probes). */
export interface FirstProviderActions {
  /** Providers a key can be pasted for: id, name, key variable. */
  keyProviders: ReadonlyArray<{ id: string; name: string; keyVariable: string }>;
  /** Probe Ollama again (fresh); returns the best model or why there is none. */
  checkOllama(): Promise<{ model?: string; problem?: string }>;
  /** Save the key; returns where it went. */
  saveKey(providerId: string, key: string): string;
  /** Cleans a pasted key (whitespace, smart quotes). */
  cleanKey?(raw: string): string;
}

export type FirstProviderChoice = { kind: 'ollama'; model: string } | { kind: 'key'; providerId: string } | { kind: 'none' };

export { PromptInterrupted };

type Option = { kind: 'ollama' } | { kind: 'key'; providerId: string } | { kind: 'quit' };

/**
 * The setup picker shown on a terminal when no provider is configured: set up Ollama (free, local)
 * or paste an API key (hidden). @inquirer/prompts draws it; Ctrl-C or Ctrl-D throws
 * PromptInterrupted, which the run turns into a quiet exit 130.
 */
export async function pickFirstProvider(terminal: PickerTerminal, actions: FirstProviderActions): Promise<FirstProviderChoice> {
  const say = (text: string): void => void terminal.output.write(`${text}\n`);
  say('No model provider is configured yet.');
  const choice = await pickOne<Option>(terminal, 'How do you want to start?', [
    { value: { kind: 'ollama' }, name: 'Ollama', description: 'free, runs on this machine' },
    ...actions.keyProviders.map((provider) => ({
      value: { kind: 'key' as const, providerId: provider.id },
      name: `${provider.name} API key`,
      description: `paste a key (instead of ${provider.keyVariable})`,
    })),
    { value: { kind: 'quit' }, name: 'Quit', description: 'configure it myself (openkoi connect)' },
  ]);
  if (choice.kind === 'quit') return { kind: 'none' };
  if (choice.kind === 'ollama') {
    say('Install Ollama:   curl -fsSL https://ollama.com/install.sh | sh   (macOS/Windows: https://ollama.com/download)');
    say('Get a model:      ollama pull llama3.3');
    for (;;) {
      const next = await pickOne<'check' | 'quit'>(terminal, 'When Ollama is running with a model:', [
        { value: 'check', name: 'Check again' },
        { value: 'quit', name: 'Quit' },
      ]);
      if (next === 'quit') return { kind: 'none' };
      const found = await actions.checkOllama();
      if (found.model) {
        say(`Using ollama/${found.model}.`);
        return { kind: 'ollama', model: found.model };
      }
      say(found.problem ?? 'Ollama is not reachable yet.');
    }
  }
  const provider = actions.keyProviders.find((candidate) => candidate.id === choice.providerId)!;
  const raw = await askSecret(terminal, `${provider.name} API key (hidden):`);
  const key = actions.cleanKey ? actions.cleanKey(raw) : raw.trim();
  if (key === '' || /\s/.test(key)) {
    say('No key entered.');
    return { kind: 'none' };
  }
  const path = actions.saveKey(provider.id, key);
  say(`Saved to ${path} (readable only by you). Forget it with: openkoi disconnect ${provider.id}`);
  return { kind: 'key', providerId: provider.id };
}
