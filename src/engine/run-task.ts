import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { formatModelRef, ModelRefError } from '../model/model-ref.js';
import { createProvider, credentialFromEnvironment } from '../providers/create-provider.js';
import { findProviderEntry } from '../providers/provider-catalog.js';
import { ProviderError } from '../providers/provider-error.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { resolveRoleModels } from '../routing/resolve-role-models.js';
import { EXIT } from '../ui/exit-codes.js';
import { Progress } from '../ui/progress.js';
import { runSingleCall } from './run-single-call.js';

export interface RunTaskInput {
  task: string;
  /** Flag values shaped like config (they win over every other layer). */
  flags: OpenkoiConfig;
  configPath?: string;
  quiet?: boolean;
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** Runs a task end to end and returns the process exit code. */
export async function runTask(input: RunTaskInput): Promise<number> {
  const environment = input.environment ?? process.env;
  const progress = new Progress(input.stderr, input.quiet);
  if (input.task.trim() === '') {
    progress.error('No task given. Usage: openkoi "describe the task" (or pipe it on stdin).');
    return EXIT.usage;
  }
  try {
    const { config } = loadConfig({
      environment,
      flags: input.flags,
      ...(input.workspace ? { workspace: input.workspace } : {}),
      ...(input.configPath ? { explicitPath: input.configPath } : {}),
    });
    const entries = resolveProviderEntries(config);
    const roles = resolveRoleModels(config, entries, environment);
    const entry = findProviderEntry(roles.executor.provider, entries)!;
    const credential = credentialFromEnvironment(entry, environment);
    const provider = await createProvider(entry, environment, credential);
    progress.line('model', `executor ${formatModelRef(roles.executor)} (${credential?.source ?? 'no credential'})`);
    const stream = config.output?.stream ?? true;
    const result = await runSingleCall(
      provider,
      { model: roles.executor.model, messages: [{ role: 'user', content: input.task }] },
      { stream, onText: (text) => input.stdout.write(text), ...(input.signal ? { signal: input.signal } : {}) },
    );
    if (!result.text.endsWith('\n')) input.stdout.write('\n');
    const { inputTokens, outputTokens, cacheReadTokens } = result.usage;
    progress.line(
      'done',
      `${result.responseModel ?? roles.executor.model} · ${inputTokens + cacheReadTokens} in / ${outputTokens} out tokens · finish ${result.finishReason}`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ModelRefError) {
      progress.error(error.message);
      return EXIT.usage;
    }
    if (error instanceof ProviderError) {
      progress.error(error.message);
      // No status: it failed before anything was sent (a missing key), which is a setup problem.
      if (error.kind === 'auth' && error.status === undefined) return EXIT.usage;
      return error.kind === 'aborted' ? EXIT.interrupted : EXIT.failed;
    }
    throw error;
  }
}
