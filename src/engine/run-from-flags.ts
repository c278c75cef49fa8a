import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { EXIT } from '../ui/exit-codes.js';
import { parseNumberFlag } from '../ui/parse-number-flag.js';
import { composeTask, readPipedInput } from '../ui/read-piped-input.js';
import { runTask } from './run-task.js';

/** The flags of `openkoi run`, as either parser (oclif's or the start-up fast path) delivers them. */
export interface RunFlags {
  model?: string;
  executor?: string;
  evaluator?: string;
  planner?: string;
  embedder?: string;
  quality?: string;
  iterate?: string;
  'max-tokens'?: string;
  'max-cost'?: string;
  'max-time'?: string;
  stream?: boolean;
  stdin?: boolean;
  json?: boolean;
  config?: string;
  quiet?: boolean;
}

export function configFromRunFlags(flags: RunFlags): OpenkoiConfig {
  return {
    models: {
      executor: flags.executor ?? flags.model,
      evaluator: flags.evaluator ?? flags.model,
      planner: flags.planner ?? flags.model,
      embedder: flags.embedder,
    },
    engine: {
      quality: parseNumberFlag('--quality', flags.quality),
      iterations: parseNumberFlag('--iterate', flags.iterate),
      max_tokens: parseNumberFlag('--max-tokens', flags['max-tokens']),
      max_cost_usd: parseNumberFlag('--max-cost', flags['max-cost']),
      max_duration_s: parseNumberFlag('--max-time', flags['max-time']),
    },
    output: { stream: flags.stream },
  };
}

/** `openkoi run`: flags and words in, exit code out. */
export async function runFromFlags(flags: RunFlags, words: string[]): Promise<number> {
  let layer: OpenkoiConfig;
  try {
    layer = configFromRunFlags(flags);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`openkoi: ${error.message}\n`);
    return EXIT.usage;
  }
  const piped = await readPipedInput(process.stdin, flags.stdin === true);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  return runTask({
    task: composeTask(words.join(' '), piped),
    flags: layer,
    quiet: flags.quiet === true,
    json: flags.json === true,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    ...(flags.config ? { configPath: flags.config } : {}),
  });
}
