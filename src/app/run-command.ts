import { ConfigError } from '../config/config-error.js';
import { skipWasmOptimisingTier } from './skip-wasm-optimising-tier.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { flagLayerSchema } from '../config/flag-layer-schema.js';
import { formatConfigIssues } from '../config/format-config-issues.js';
import { suggestModelRef } from '../model/model-ref.js';
import { BUILTIN_PROVIDERS, findProviderEntry } from '../providers/provider-catalog.js';
import { estimateTokens } from '../model/estimate-tokens.js';
import { EXIT } from './exit-codes.js';
import { jsonError } from './json-error.js';
import { parseNumberFlag } from './parse-number-flag.js';
import { composeTask, readPipedInput } from '../ui/read-piped-input.js';
import { runTask } from './run-task.js';
import { parseModeFlag } from './build-tool-runner.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PermissionMode } from '../tools/permission-mode.js';
import { unknownVariables } from '../config/environment-overrides.js';

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
  /** false (`--no-fallback`): each role's named model only. */
  fallback?: boolean;
  stdin?: boolean;
  json?: boolean;
  config?: string;
  quiet?: boolean;
  checks?: boolean;
  'show-reasoning'?: boolean;
  /** --no-memory: no recall and no learnings for this run. */
  memory?: boolean;
  mode?: string;
  workspace?: string;
  /** --base-url: the openai provider's endpoint (any OpenAI-compatible server). */
  'base-url'?: string;
  /** --api-key-env: the variable holding the openai provider's key. */
  'api-key-env'?: string;
  /** --commit: commit the run's changes in a git repository. */
  commit?: boolean;
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

/** The flag that sets each config key, so a value the schema refuses is reported as the flag the user typed. */
const FLAG_FOR_KEY: Record<string, string> = {
  'models.executor': '-m/--model or --executor',
  'models.evaluator': '-m/--model or --evaluator',
  'models.planner': '-m/--model or --planner',
  'models.embedder': '--embedder',
  'engine.quality': '-q/--quality',
  'engine.iterations': '-i/--iterate',
  'engine.max_tokens': '--max-tokens',
  'engine.max_cost_usd': '--max-cost',
  'engine.max_duration_s': '--max-time',
  'output.stream': '--stream/--no-stream',
  'evaluator.checks': '--checks/--no-checks',
  'providers.openai.base_url': '--base-url',
  'providers.openai.api_key_env': '--api-key-env',
};

export function configFromRunFlags(flags: RunFlags): OpenkoiConfig {
  for (const name of MODEL_FLAGS) checkModelFlag(name, flags[name]);
  const layer = flagLayer(flags);
  // The flag layer has only sections flagLayerSchema knows: it judges them exactly as the whole
  // config schema would, without building the rest (see flag-layer-schema.ts). jitless: one parse.
  const result = flagLayerSchema.safeParse(layer, { reportInput: true, jitless: true });
  if (!result.success) {
    const problems = formatConfigIssues(result.error.issues, { nameOf: (path) => FLAG_FOR_KEY[path.join('.')] });
    const first = FLAG_FOR_KEY[result.error.issues[0]?.path.map(String).join('.') ?? ''] ?? 'flags';
    throw new ConfigError(problems.length === 1 ? `${problems[0]}` : `Invalid flags:\n  - ${problems.join('\n  - ')}`, first, first);
  }
  return layer;
}

function flagLayer(flags: RunFlags): OpenkoiConfig {
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
    ...(flags.memory === false ? { memory: { enabled: false } } : {}),
    evaluator: { checks: flags.checks },
    ...openaiEndpointLayer(flags),
  };
}

/** --base-url and --api-key-env are `[providers.openai] base_url / api_key_env` given on the command line. */
function openaiEndpointLayer(flags: RunFlags): OpenkoiConfig {
  const baseURL = flags['base-url'];
  const keyVariable = flags['api-key-env'];
  if (baseURL === undefined && keyVariable === undefined) return {};
  return {
    providers: {
      openai: {
        ...(baseURL !== undefined ? { base_url: baseURL.trim() } : {}),
        ...(keyVariable !== undefined ? { api_key_env: keyVariable.trim() } : {}),
      },
    },
  };
}

/**
 * --api-key-env names a variable that must hold the key: an unset one is a setup error now,
 * before anything is sent, rather than a key quietly taken from somewhere else.
 */
export function checkKeyVariableFlag(flags: RunFlags, environment: NodeJS.ProcessEnv): void {
  const name = flags['api-key-env']?.trim();
  if (name === undefined || environment[name]?.trim()) return;
  throw new ConfigError(`--api-key-env ${name}: that environment variable is not set (or is empty), so there is no key to send. Nothing was sent.`, '--api-key-env', '--api-key-env');
}

const LARGE_INPUT_BYTES = 1_000_000;

/** Piped input over 1 MB is sent with every request of the task: say what that means in tokens. */
export function largeInputWarning(piped: string): string | undefined {
  const bytes = Buffer.byteLength(piped, 'utf8');
  if (bytes <= LARGE_INPUT_BYTES) return undefined;
  return `the piped input is ${(bytes / 1_000_000).toFixed(1)} MB, about ${estimateTokens(piped)} tokens (estimated at 4 characters a token); it goes into every request of this task.`;
}

/** `openkoi run`: flags and words in, exit code out. */
export async function runFromFlags(flags: RunFlags, words: string[]): Promise<number> {
  skipWasmOptimisingTier();
  let layer: OpenkoiConfig;
  let mode: PermissionMode | undefined;
  let workspace: string | undefined;
  try {
    layer = configFromRunFlags(flags);
    checkKeyVariableFlag(flags, process.env);
    mode = parseModeFlag(flags.mode);
    workspace = workspaceFromFlag(flags.workspace);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`openkoi: ${error.message}\n`);
    if (flags.json === true) process.stdout.write(`${JSON.stringify(jsonError('usage', error.message, EXIT.usage))}\n`);
    return EXIT.usage;
  }
  for (const { variable, suggestion } of unknownVariables(process.env)) {
    process.stderr.write(`openkoi: warning: ${variable} is not an openkoi variable${suggestion ? ` — did you mean ${suggestion}?` : ''} (ignored)\n`);
  }
  const piped = flags.stdin === false ? undefined : await readPipedInput(process.stdin, flags.stdin === true, waitNotice(words));
  const large = piped === undefined ? undefined : largeInputWarning(piped);
  if (large) process.stderr.write(`openkoi: warning: ${large}\n`);
  const controller = new AbortController();
  const stop = (reason: StopRequest) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  process.once('SIGINT', () => stop(new StopRequest('interrupted', EXIT.interrupted)));
  process.once('SIGTERM', () => stop(new StopRequest('terminated', EXIT.terminated)));
  // `openkoi ... | head`: the reader had what it wanted. Stop the task (and the vendor's stream)
  // quietly instead of dying on EPIPE; the task is recorded as interrupted and the exit is 0.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stop(new StopRequest('output closed', EXIT.ok));
  });
  // A closed stderr (`openkoi ... 2>&1 >out.txt | head -1`) loses progress lines, never the task.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const code = await runTask({
    task: composeTask(words.join(' '), piped),
    flags: layer,
    quiet: flags.quiet === true,
    json: flags.json === true,
    showReasoning: flags['show-reasoning'] === true,
    ...(flags.fallback === false ? { noFallback: true } : {}),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(mode ? { mode } : {}),
    ...(workspace ? { workspace } : {}),
    ...(flags.commit === true ? { commit: true } : {}),
  });
  // The engine reports any stop from outside as interrupted; the exit code says which stop it was.
  const reason: unknown = controller.signal.reason;
  return code === EXIT.interrupted && reason instanceof StopRequest ? reason.exitCode : code;
}

/** Why the run was stopped from outside, and the exit code that says so. */
class StopRequest extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * A task given in words with a stdin that stays silent (a harness that leaves it open): say that
 * stdin is being read instead of waiting without a word.
 */
function waitNotice(words: string[]): (() => void) | undefined {
  if (words.join(' ').trim() === '') return undefined;
  return () => process.stderr.write('openkoi: reading standard input to add to the task (nothing yet; --no-stdin skips it, Ctrl-D ends it)\n');
}

/** --workspace DIR: an existing folder, made absolute. */
function workspaceFromFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const path = resolve(value);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new ConfigError(`--workspace "${value}" is not a folder.`, '--workspace', '--workspace');
  return path;
}
