import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

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
}

export type FirstProviderChoice = { kind: 'ollama'; model: string } | { kind: 'key'; providerId: string } | { kind: 'none' };

/**
 * The setup picker shown on a terminal when no provider is configured: set up Ollama (free, local)
 * or paste an API key. A minimal readline prompt (@inquirer/prompts is not a dependency); the key
 * is read without echo.
 */
export async function pickFirstProvider(terminal: PickerTerminal, actions: FirstProviderActions): Promise<FirstProviderChoice> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) terminal.output.write(chunk);
      callback();
    },
  });
  const prompt = createInterface({ input: terminal.input, output, terminal: true });
  const say = (text: string): void => void terminal.output.write(`${text}\n`);
  try {
    say('No model provider is configured yet. How do you want to start?');
    say('  1) Ollama: free, runs on this machine');
    actions.keyProviders.forEach((provider, index) => say(`  ${index + 2}) paste an API key for ${provider.name} (${provider.keyVariable})`));
    say('  q) quit and configure it myself');
    const answer = (await prompt.question('Choice: ')).trim().toLowerCase();
    if (answer === '1') {
      say('Install Ollama:   curl -fsSL https://ollama.com/install.sh | sh   (macOS/Windows: https://ollama.com/download)');
      say('Get a model:      ollama pull llama3.3');
      for (;;) {
        await prompt.question('Press Enter when Ollama is running with a model (or type q to quit): ').then((text) => {
          if (text.trim().toLowerCase() === 'q') throw new PickerQuit();
        });
        const found = await actions.checkOllama();
        if (found.model) {
          say(`Using ollama/${found.model}.`);
          return { kind: 'ollama', model: found.model };
        }
        say(found.problem ?? 'Ollama is not reachable yet.');
      }
    }
    const provider = actions.keyProviders[Number(answer) - 2];
    if (!provider) return { kind: 'none' };
    terminal.output.write(`${provider.name} API key (not shown): `);
    muted = true;
    const key = (await prompt.question('')).trim();
    muted = false;
    say('');
    if (key === '' || /\s/.test(key)) {
      say('No key entered.');
      return { kind: 'none' };
    }
    const path = actions.saveKey(provider.id, key);
    say(`Saved to ${path} (readable only by you). Remove the file to forget it.`);
    return { kind: 'key', providerId: provider.id };
  } catch (error) {
    if (error instanceof PickerQuit) return { kind: 'none' };
    throw error;
  } finally {
    prompt.close();
  }
}

class PickerQuit extends Error {}
