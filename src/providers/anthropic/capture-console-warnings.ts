/**
 * Runs `call` with `console.warn` captured. The Anthropic SDK warns about deprecated models with
 * a bare `console.warn` inside `messages.create` (its `logLevel: 'off'` does not cover it), which
 * would print over openkoi's terminal output; the adapter turns the text into its own warning,
 * once per model. The SDK warns synchronously, before `create` returns its promise, so the
 * console is restored before any other code runs.
 */
export function captureConsoleWarnings<T>(call: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  try {
    return { value: call(), warnings };
  } finally {
    console.warn = original;
  }
}
