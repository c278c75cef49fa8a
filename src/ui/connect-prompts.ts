/**
 * The pickers and masked prompts of `openkoi connect` / `disconnect`, from @inquirer/prompts
 * (arrow keys, type-to-filter, masked input). They write to the terminal given (stderr: stdout is
 * for results). Ctrl-C or Ctrl-D leaves as PromptInterrupted; app/ ends the run with 130, quietly.
 */
export interface PromptTerminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export class PromptInterrupted extends Error {
  override name = 'PromptInterrupted';
}

export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
}

async function interruptible<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    // ExitPromptError: Ctrl-C, or Ctrl-D closing the input. AbortPromptError: the caller cancelled.
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') throw new PromptInterrupted('prompt interrupted');
    throw error;
  }
}

/** A list to pick one from; typing filters it. */
export async function pickOne<T>(terminal: PromptTerminal, message: string, choices: ReadonlyArray<Choice<T>>): Promise<T> {
  const { search } = await import('@inquirer/prompts');
  return interruptible(() =>
    search<T>(
      {
        message,
        source: (term) => {
          const wanted = (term ?? '').toLowerCase();
          return choices.filter((choice) => wanted === '' || `${choice.name} ${choice.description ?? ''}`.toLowerCase().includes(wanted)).map((choice) => ({
            value: choice.value,
            name: choice.name,
            ...(choice.description ? { description: choice.description } : {}),
          }));
        },
        pageSize: 12,
      },
      { input: terminal.input, output: terminal.output, clearPromptOnDone: false },
    ),
  );
}

/** A secret, echoed as `*`. */
export async function askSecret(terminal: PromptTerminal, message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return interruptible(() => password({ message, mask: '*' }, { input: terminal.input, output: terminal.output }));
}
