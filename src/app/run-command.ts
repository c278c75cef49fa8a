import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { suggestModelRef } from '../model/model-ref.js';
import { BUILTIN_PROVIDERS, findProviderEntry } from '../providers/provider-catalog.js';
import { EXIT } from './exit-codes.js';
import { parseNumberFlag } from './parse-number-flag.js';
import { composeTask, readPipedInput } from '../ui/read-piped-input.js';
import { runTask } from './run-task.js';
import { parseModeFlag } from './build-tool-runner.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PermissionMode } from '../tools/permission-mode.js';

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
  mode?: string;
  workspace?: string;
}

const MODEL_FLAGS = ['model', 'executor', 'evaluator', 'planner', 'embedder'] as const;

/**
 * A model flag must be provider/model. Checked here rather than by the config schema so the
 * message names the flag the user typed and can suggest a full reference.
 */
function checkModelFlag(name: (typeof MODEL_FLAGS)[number], value: string | undefined): void {
  if (value === undefined || /^[^/\s]+\/\S+$/.test(value.trim())) return;
  const provider = findProviderEntry(value.trim().toLowerCase(), BUILTIN_PROVIDERS);
  const suggestion = provider?.defaultModel ? `${provider.id}/${provider.defaultModel}` : suggestModelRef(value);
  throw new ConfigError(
    `--${name} "${value}" is not a model reference: use provider/model, for example openai/gpt-4.1.` +
      (suggestion ? ` Did you mean "${suggestion}"?` : ''),
    `--${name}`,
    `--${name}`,
  );
}

export function configFromRunFlags(flags: RunFlags): OpenkoiConfig {
  for (const name of MODEL_FLAGS) checkModelFlag(name, flags[name]);
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
  let mode: PermissionMode | undefined;
  let workspace: string | undefined;
  try {
    layer = configFromRunFlags(flags);
    mode = parseModeFlag(flags.mode);
    workspace = workspaceFromFlag(flags.workspace);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`openkoi: ${error.message}\n`);
    return EXIT.usage;
  }
  const piped = await readPipedInput(process.stdin, flags.stdin === true);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  // `openkoi ... | head`: once the reader is gone, stop the task (and the vendor's stream) quietly
  // instead of dying on EPIPE; the task is recorded as interrupted.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      controller.abort(new Error('output closed'));
    });
  }
  return runTask({
    task: composeTask(words.join(' '), piped),
    flags: layer,
    quiet: flags.quiet === true,
    json: flags.json === true,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(mode ? { mode } : {}),
    ...(workspace ? { workspace } : {}),
  });
}

/** --workspace DIR: an existing folder, made absolute. */
function workspaceFromFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const path = resolve(value);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new ConfigError(`--workspace "${value}" is not a folder.`, '--workspace', '--workspace');
  return path;
}
