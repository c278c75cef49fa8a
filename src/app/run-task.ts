import { ConfigError } from '../config/config-error.js';
import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';
import { describeDecision, outcomeOf, type TaskOutcome } from '../engine/decision.js';
import { GENERATING_ROLES, ROLES, type Role } from '../model/role.js';
import { type OpenkoiConfig } from '../config/config-schema.js';
import { requestSettingsFrom, type ModelOptions } from '../model/request-settings.js';
import { loadConfig, prepareConfigValidation } from '../config/load-config.js';
import { databasePath, openkoiHome } from '../config/paths.js';
import { DatabaseError, openDatabase, type Database } from '../memory/database.js';
import { TaskStore } from '../memory/task-store.js';
import { formatModelRef, ModelRefError, type ModelRef } from '../model/model-ref.js';
import { ProviderError } from '../providers/provider-error.js';
import { providerIds } from '../providers/provider-catalog.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { buildRoleChains, withoutFallbacks } from '../routing/build-role-chains.js';
import { checkRoleProviders, describeUnavailable } from '../routing/check-role-providers.js';
import { createGateway } from '../routing/create-gateway.js';
import { resolveRoleModelsWithDefault } from '../routing/choose-default-model.js';
import { askOnTerminal } from './ask-for-first-provider.js';
import { createCredentialFinder, discoveryContext } from '../auth/discover-credentials.js';
import { CoalescingWriter } from '../ui/coalescing-writer.js';
import { confirmWorkspaceTrust, TrustQuestionInterrupted } from '../ui/confirm-workspace-trust.js';
import { PromptInterrupted } from '../ui/connect-prompts.js';
import { EXIT } from './exit-codes.js';
import { jsonError, type JsonErrorCode } from './json-error.js';
import { Progress } from '../ui/progress.js';
import { attemptPricer } from '../usage/price-attempt.js';
import { cacheCatalogPricesIn, findModelPrice } from '../usage/find-model-price.js';
import { UsageRecorder } from '../usage/usage-recorder.js';
import { AttemptLog } from '../engine/attempt-log.js';
import { BudgetMeter, type PriceAttempt } from '../engine/budget-meter.js';
import { runIterationLoop, type LoopResult } from '../engine/iteration-loop.js';
import { loadSkills, loadSoul, skillSources } from '../engine/skills/load-skills.js';
import type { Skill } from '../engine/skills/skill.js';
import type { TaskSummary } from '../engine/task-summary.js';
import { NO_TOOLS, type ToolRunner } from '../engine/tool-runner.js';
import { loadProjectInstructions, projectInstructionsSection } from '../engine/project-instructions.js';
import { checksCommandRunner } from './checks-command-runner.js';
import { SHELL_DEFAULT_TIMEOUT_S } from '../tools/shell/shell-tool.js';
import { prepareChecks } from './prepare-checks.js';
import { resolveWorkspaceTrust, untrustedWorkspaceWarning, type ConfirmTrust } from './resolve-workspace-trust.js';
// Semantic memory (issue 11).
import { GatewayEmbedder } from '../engine/gateway-embedder.js';
import { resolveEmbedderChain, withoutEmbedder } from '../routing/embedder-chain.js';
import { PoolWithOfflineEmbedder } from '../routing/pool-with-offline-embedder.js';
import { TaskMemory } from './task-memory.js';
import { buildToolSetup, choosePermissionMode, type ToolSetup } from './build-tool-runner.js';
import { startMemoryIndexing } from './start-memory-indexing.js';
import { extraToolsProvider, startRunMcpServers } from './start-run-mcp-servers.js';
import type { McpServers } from '../tools/mcp/mcp-servers.js';
import type { ShellChangeWatch } from '../tools/shell/shell-change-watch.js';
import type { AskPermission, PermissionMode } from '../tools/permission-mode.js';
import type { CommandRunner, Tool } from '../tools/tool.js';
import type { SandboxStatus } from '../tools/shell/sandbox.js';
import type { FileChange } from '../tools/change-tracker.js';
import { askToolPermission } from '../ui/ask-tool-permission.js';
import { renderChangeStat } from '../ui/render-change-stat.js';
import { commitChanges } from '../tools/commit-changes.js';
import { compareCodePoints } from '../model/compare-code-points.js';

export interface RunTaskInput {
  task: string;
  /** Flag values shaped like config (they win over every other layer). */
  flags: OpenkoiConfig;
  configPath?: string;
  quiet?: boolean;
  json?: boolean;
  /** --show-reasoning: the executor's reasoning on stderr (dimmed on a terminal), never stdout. */
  showReasoning?: boolean;
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  /** Where the setup picker reads when no provider is found; absent: nobody to ask. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** A terminal (`isTTY`) sees -i 0's answer as it streams; anything else gets the answer once, when final. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  /** `--no-fallback`: each role's chain is its primary model alone. */
  noFallback?: boolean;
  tools?: ToolRunner;
  /** Prices an attempt in USD; defaults to the price catalog with `[pricing]` overrides. */
  priceAttempt?: PriceAttempt;
  /**
   * Asks whether to trust an untrusted workspace. Default: the terminal question when stdin and
   * stderr are both terminals, else nobody is asked (the run is untrusted and warns). Tests inject one.
   */
  confirmTrust?: ConfirmTrust;
  /** --mode: wins over `[tools] mode`; the only way to `auto` in an untrusted workspace. */
  mode?: PermissionMode;
  /** Asks before a write or a command in ask mode. Default: the terminal question when stdin and stderr are terminals, else nobody (refused). */
  askPermission?: AskPermission;
  /** Tools from other sources (MCP servers), under the same permissions. */
  extraTools?: Tool[];
  /** Tests pin the sandbox decision; default: detected. */
  sandbox?: SandboxStatus;
  /** --commit: in a git repository, commit the files the run changed (and only those). */
  commit?: boolean;
}

/** The one map from the engine's task outcomes to exit codes (README's table). */
const EXIT_FOR_OUTCOME: Record<TaskOutcome, number> = {
  accepted: EXIT.ok,
  'below-threshold': EXIT.belowThreshold,
  budget: EXIT.budget,
  failed: EXIT.failed,
  interrupted: EXIT.interrupted,
};

/** Evaluator skills in the order offered to the planner: general first (the default). */
function evaluatorSkills(skills: Map<string, Skill>): Skill[] {
  const evaluators = [...skills.values()].filter((skill) => skill.kind === 'evaluator');
  return evaluators.sort((a, b) => (a.name === 'general' ? -1 : b.name === 'general' ? 1 : compareCodePoints(a.name, b.name)));
}

/** Runs a task end to end and returns the process exit code. */
export async function runTask(input: RunTaskInput): Promise<number> {
  const environment = input.environment ?? process.env;
  const workspace = input.workspace ?? process.cwd();
  // loadConfig validates with zod: the whole config schema when a config file or an OPENKOI_*
  // variable is there to validate, only the sections flags set when the flags are all there is.
  await prepareConfigValidation({ environment, flags: input.flags, workspace, trusted: false, ...(input.configPath ? { explicitPath: input.configPath } : {}) });
  const progress = new Progress(input.stderr, input.quiet);
  if (input.task.trim() === '') {
    progress.error('No task given. Usage: openkoi "describe the task" (or pipe it on stdin).');
    return EXIT.usage;
  }
  let database: Database | undefined;
  let taskMemory: TaskMemory | undefined;
  let mcpServers: McpServers | undefined;
  // The change watch holds folder watchers until the run ends (toolSetup lives inside the try).
  let watchToClose: ShellChangeWatch | undefined;
  try {
    // Trust is decided once per run, before anything reads the workspace's config; `trust.trusted`
    // is the decision everything else that reads the workspace's files (tools, MCP) follows.
    const confirm = confirmTrustFor(input);
    const trust = await resolveWorkspaceTrust({
      workspace,
      environment,
      load: (trusted) => loadConfig({ environment, flags: input.flags, workspace, trusted, ...(input.configPath ? { explicitPath: input.configPath } : {}) }),
      ...(confirm ? { confirm } : {}),
    });
    if (trust.answered === 'trusted') progress.line('trust', `trusted ${trust.workspace} (undo: openkoi trust --revoke ${trust.workspace})`);
    const trustWarning = untrustedWorkspaceWarning(trust);
    // Shown even with --quiet: a setting the user believes in but does not have is never silent.
    if (trustWarning) input.stderr.write(`openkoi: warning: ${trustWarning}\n`);
    const { config } = trust.loaded;
    const entries = resolveProviderEntries(config, input.flags);
    // Credentials in PROVIDERS.md's discovery order; a default model (probe, setup picker) only when none is set.
    const discovery = discoveryContext(environment, (message) => progress.line('warn', message));
    const roles = await resolveRoleModelsWithDefault(withoutEmbedder(config), entries, discovery, input.stdin ? askOnTerminal(entries, discovery, { input: input.stdin, output: input.stderr }) : undefined);
    const engine = config.engine ?? {};
    // loadConfig layers DEFAULT_CONFIG under everything, so these are always set; the fallbacks
    // read the same single source should a caller hand in a partial config.
    const settings = {
      quality: engine.quality ?? ENGINE_DEFAULTS.quality,
      maxIterations: engine.iterations ?? ENGINE_DEFAULTS.iterations,
      regressionThreshold: engine.regression_threshold ?? ENGINE_DEFAULTS.regression_threshold,
      minImprovement: engine.min_improvement ?? ENGINE_DEFAULTS.min_improvement,
    };
    const home = openkoiHome(environment);
    cacheCatalogPricesIn(home);
    const sources = skillSources(home, workspace);
    // -i 0 neither plans nor evaluates: it needs no evaluator skills (and skips parsing them).
    let evaluators: Skill[] = [];
    let taskSkills: Skill[] = [];
    if (settings.maxIterations > 0) {
      const { skills, problems } = await loadSkills(sources);
      for (const problem of problems) progress.line('warn', `skipped skill: ${problem}`);
      evaluators = evaluatorSkills(skills);
      taskSkills = [...skills.values()].filter((skill) => skill.kind === 'task').sort((a, b) => compareCodePoints(a.name, b.name));
      if (evaluators.length === 0) throw new ConfigError('No evaluator skill is available (the bundled skills/ folder is incomplete).', 'skills');
    }

    const modelOptions = modelOptionsFrom(config);
    const pool = new PoolWithOfflineEmbedder(entries, environment, createCredentialFinder(discovery), modelOptions.byModel);
    const configuredChains = buildRoleChains(withoutEmbedder(config), roles, providerIds(entries));
    const chains = input.noFallback ? withoutFallbacks(configuredChains) : configuredChains;
    // The embedder has its own chain (the offline embedder last by default); resolved even with
    // memory off, so that a bad --embedder is an error either way.
    chains.embedder = resolveEmbedderChain(config, { entries, discovery, ollamaInUse: [roles.executor, roles.planner, roles.evaluator].some((ref) => ref.provider === 'ollama') });
    const memoryEnabled = config.memory?.enabled !== false;
    // The embedder is not used by the loop yet; only the generating roles need a working provider.
    const usedRoles: Role[] = settings.maxIterations === 0 ? ['executor'] : [...GENERATING_ROLES];
    for (const role of usedRoles) {
      const [primary, ...fallbacks] = chains[role];
      const fallbackText = fallbacks.length ? `, then ${fallbacks.map(formatModelRef).join(', ')}` : '';
      const endpoint = pool.endpointDescription(primary!.provider);
      progress.line('model', `${role} ${formatModelRef(primary!)} (${pool.credentialDescription(primary!.provider) ?? 'no credential'})${endpoint ? ` at ${endpoint}` : ''}${fallbackText}`);
    }
    // --base-url / --api-key-env configure the openai provider only: say so when no role uses it.
    const openaiFlags = input.flags.providers?.['openai'];
    if (openaiFlags && !usedRoles.some((role) => chains[role].some((candidate) => candidate.provider === 'openai'))) {
      const given = [openaiFlags.base_url !== undefined ? '--base-url' : '', openaiFlags.api_key_env !== undefined ? '--api-key-env' : ''].filter(Boolean).join(' and ');
      progress.line('warn', `${given} set the openai provider, which no role of this run uses (pick a model with -m openai/MODEL)`);
    }
    // Preflight: every role this run uses can be served before anything is sent (exit 2 otherwise,
    // README's "nothing was sent"); a fallback that cannot is only skipped, and said so.
    const checks = await checkRoleProviders(chains, usedRoles, pool);
    const unservable = checks.filter((check) => check.unservable);
    if (unservable.length > 0) {
      const lines = unservable.flatMap(describeUnavailable);
      lines.push(`Nothing was sent: the ${unservable.map((check) => check.role).join(', ')} role${unservable.length === 1 ? ' has' : 's have'} no model that can be reached.`);
      for (const line of lines) progress.error(line);
      if (input.json) input.stdout.write(`${JSON.stringify(jsonError('credentials', lines.join('\n'), EXIT.usage))}\n`);
      return EXIT.usage;
    }
    for (const check of checks) for (const line of describeUnavailable(check)) progress.line('warn', `${line} (skipped)`);

    database = openDatabase(databasePath(environment));
    const store = new TaskStore(database);
    const taskId = store.createTask(input.task, workspace, Object.fromEntries(ROLES.map((role) => [role, chains[role].map(formatModelRef)])));
    const recorder = new UsageRecorder({ database, pricing: config.pricing });
    const meter = new BudgetMeter(
      {
        ...(engine.max_tokens !== undefined ? { maxTokens: engine.max_tokens } : {}),
        ...(engine.max_cost_usd !== undefined ? { maxCostUsd: engine.max_cost_usd } : {}),
        ...(engine.max_duration_s !== undefined ? { maxDurationMs: engine.max_duration_s * 1000 } : {}),
      },
      input.priceAttempt ?? attemptPricer(config.pricing),
    );
    // Unknown prices count as unknown, not $0: the budget says where it cannot hold.
    if (engine.max_cost_usd !== undefined) {
      const candidates = new Map(usedRoles.flatMap((role) => chains[role].map((candidate) => [formatModelRef(candidate), candidate] as const)));
      const pricing = config.pricing ? { pricing: config.pricing } : {};
      const unpriced = [...candidates].filter(([, candidate]) => !findModelPrice(candidate, pricing).known).map(([reference]) => reference);
      if (unpriced.length > 0) {
        progress.line(
          'budget',
          `the cost budget ($${engine.max_cost_usd.toFixed(2)}) cannot be enforced for ${unpriced.join(', ')}: ${unpriced.length === 1 ? 'its price is' : 'their prices are'} unknown (set [pricing."provider/model"] input and output in USD per million tokens)`,
        );
      }
    }
    const attempts = new AttemptLog();
    let embedder: GatewayEmbedder | undefined;
    const gateway = createGateway({
      chains,
      pool,
      config,
      database,
      onAttempt: (attempt) => {
        attempts.add(attempt);
        meter.add(attempt);
        recorder.onAttempt(attempt);
        embedder?.onAttempt(attempt);
      },
      // Waits are visible (issue 14): a second or more of silence reads as a hang.
      onRetryWait: (notice) => {
        if (notice.waitMs <= 1_000) return;
        if (streamToStderr) liveOutput?.endLine();
        else liveOutput?.flush();
        progress.line('retry', `${formatModelRef(notice.candidate)} ${notice.because}, retrying in ${Math.ceil(notice.waitMs / 1000)} s`);
      },
    });
    if (memoryEnabled) {
      embedder = new GatewayEmbedder(gateway, taskId);
      taskMemory = new TaskMemory({
        database,
        gateway,
        embedder,
        taskId,
        ...(config.memory?.recall_tokens !== undefined ? { recallTokens: config.memory.recall_tokens } : {}),
        report: (text) => progress.line('memory', text),
        startIndexing: () => startMemoryIndexing(environment),
      });
    }
    const recalled = await taskMemory?.recallFor(input.task, input.signal);

    // stdout holds only the answer. -i 0 streams it to a terminal as it comes; a file or a pipe
    // gets it once, when it is final, so a mid-stream fallback or a retried cut stream never
    // leaves a partial reply in `answer.md`. With iterations stdout gets only the best answer at
    // the end. Live text otherwise goes to stderr when a person watches it there.
    const executeOnly = settings.maxIterations === 0;
    const streamToStdout = executeOnly && !input.json && input.stdout.isTTY === true;
    const streamToStderr = !streamToStdout && !input.quiet && input.stderr.isTTY === true;
    const liveOutput = streamToStdout ? new CoalescingWriter(input.stdout) : streamToStderr ? new CoalescingWriter(input.stderr) : undefined;
    const stream = config.output?.stream ?? true;
    const instructions = loadProjectInstructions(workspace);
    let toolSetup: ToolSetup | undefined;
    if (!input.tools) {
      const interactive = input.stdin?.isTTY === true && input.stderr.isTTY === true;
      const choice = choosePermissionMode({ flag: input.mode, configured: config.tools?.mode, trusted: trust.trusted, interactive });
      if (choice.warning) input.stderr.write(`openkoi: warning: ${choice.warning}\n`);
      // MCP servers start only when the run offers its own tools (the executor always offers some:
      // read mode the read-only ones, and max_tool_rounds is at least 1).
      mcpServers = await startRunMcpServers({
        config,
        workspace: trust.workspace,
        trusted: trust.trusted,
        environment,
        // Shown even with --quiet: a tool the user configured and does not have is never silent.
        warn: (message) => input.stderr.write(`openkoi: warning: ${message}\n`),
        started: (line) => progress.line('mcp', line),
      });
      const extraTools = extraToolsProvider(input.extraTools, mcpServers ? () => mcpServers!.tools() : undefined);
      const ask = input.askPermission ?? (interactive && input.stdin ? (question: Parameters<AskPermission>[0]) => askToolPermission({ input: input.stdin!, output: input.stderr }, question) : undefined);
      toolSetup = buildToolSetup({
        workspace: trust.workspace,
        home,
        config: config.tools,
        mode: choice.mode,
        environment,
        ...(ask ? { ask } : {}),
        ...(extraTools ? { extraTools } : {}),
        ...(input.sandbox ? { sandbox: input.sandbox } : {}),
        onProgress: (line) => {
          liveOutput?.endLine();
          progress.line('tool', line);
        },
        onRefused: (line) => input.stderr.write(`openkoi: ${line}\n`),
      });
      watchToClose = toolSetup.watch;
      const shellNote = choice.mode === 'read' ? 'no writes, no shell' : toolSetup.sandbox.sandboxed ? 'shell sandboxed (bwrap)' : `shell NOT sandboxed: ${toolSetup.sandbox.reason}`;
      progress.line('tools', `mode ${choice.mode} · ${shellNote} · workspace ${trust.workspace}`);
    }
    // Checks need an evaluation to feed: none with -i 0. They run through the shell tool's runner
    // (sandboxed when bwrap works here) with the shell timeout; read mode's tools decided no sandbox
    // (no shell), so the checks then detect their own.
    const evaluatorChecks = executeOnly
      ? undefined
      : prepareChecks({
          workspace,
          config,
          trusted: trust.trusted,
          runner: watchedBy(
            toolSetup,
            checksCommandRunner({
              workspace,
              config: config.tools,
              environment,
              sandbox: input.sandbox ?? (toolSetup && toolSetup.mode !== 'read' ? toolSetup.sandbox : undefined),
            }),
          ),
          timeoutMs: (config.tools?.shell_timeout_s ?? SHELL_DEFAULT_TIMEOUT_S) * 1000,
          note: (line) => progress.line('checks', line),
        });
    const result = await runIterationLoop({
      task: input.task,
      taskId,
      soul: loadSoul(sources),
      evaluators,
      gateway,
      tools: input.tools ?? toolSetup?.registry ?? NO_TOOLS,
      stream,
      roleSettings: modelOptions.byRole,
      settings,
      meter,
      attempts,
      store,
      ...(recalled ? { memory: recalled } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(taskSkills.length ? { taskSkills } : {}),
      ...(instructions ? { projectInstructions: projectInstructionsSection(instructions) } : {}),
      ...(evaluatorChecks ? { checks: evaluatorChecks } : {}),
      executorLimits: { maxToolRounds: engine.max_tool_rounds ?? ENGINE_DEFAULTS.max_tool_rounds, warnWhenRoundsLeft: 3, maxRepeatedCalls: 3 },
      events: {
        // Live text on stderr shares the terminal with progress lines: each line starts clean.
        progress: (tag, text) => {
          if (streamToStderr) liveOutput?.endLine();
          else liveOutput?.flush();
          progress.line(tag, text);
        },
        onText: (text) => liveOutput?.write(text),
        ...(input.showReasoning
          ? {
              onReasoning: (text: string) => {
                if (streamToStderr) liveOutput?.flush();
                input.stderr.write(input.stderr.isTTY ? `\x1b[2m${text}\x1b[22m` : text);
              },
            }
          : {}),
        onModelSwitch: (from, to, reason, afterOutput) => {
          // The partial text stays; the next model's output starts on a line of its own.
          if (streamToStderr || afterOutput) liveOutput?.endLine();
          else liveOutput?.flush();
          progress.line('fallback', modelSwitchLine(from, to, reason, afterOutput));
        },
      },
    });
    liveOutput?.endLine();

    const exitCode = exitCodeFor(result);
    const changes = toolSetup?.changes.changes() ?? [];
    store.finishTask(taskId, {
      status: outcomeOf(result.decision),
      decision: result.decision,
      score: result.score,
      bestIteration: result.bestIteration,
      answer: result.answer,
      usage: meter.usage,
      durationMs: meter.elapsedMs,
    });

    // Without --commit nothing is committed (the stat says so); with it, exactly the changed paths.
    // A change the run did not accept (budget, interrupted, below the threshold) is left for the user to judge, not committed.
    const commitWanted = input.commit === true && (changes.length === 0 || outcomeOf(result.decision) === 'accepted');
    const commit = commitWanted ? await commitChanges({ workspace: trust.workspace, paths: changes.map((change) => change.path), task: input.task, taskId, environment }) : undefined;
    if (commit?.kind === 'not-a-repository') input.stderr.write(`openkoi: warning: --commit: ${trust.workspace} is not in a git repository; nothing was committed.\n`);
    if (commit?.kind === 'failed') input.stderr.write(`openkoi: warning: --commit: git could not commit; the changed files are left as they are (staged). git said:\n${commit.message}\n`);
    const committed = commit?.kind === 'committed' ? commit : undefined;
    if (input.json) {
      input.stdout.write(`${JSON.stringify({ ...summarise(taskId, result, exitCode, chains, usedRoles, meter), ...(toolSetup ? { changes } : {}), ...(committed ? { commit: committed.sha } : {}) })}\n`);
    } else if (!streamToStdout && result.answer !== undefined) {
      // (Streamed to stdout already otherwise: endLine above closed its last line.)
      input.stdout.write(result.answer.endsWith('\n') ? result.answer : `${result.answer}\n`);
    }
    if (result.error) progress.error(result.error.message);
    if (changes.length > 0) for (const line of renderChangeStat(changes, committed !== undefined)) progress.line('changes', line);
    if (committed) progress.line('changes', `committed ${committed.shortSha}${committed.ignored.length > 0 ? ` (left out, ignored by git: ${committed.ignored.join(', ')})` : ''}`);
    else if (input.commit && !commitWanted) input.stderr.write(`openkoi: warning: --commit: nothing was committed, the run was not accepted (${describeDecision(result.decision)}); the changes are left in the workspace.\n`);
    else if (commit?.kind === 'nothing-to-commit') progress.line('changes', '--commit: nothing to commit');
    // Shown even with --quiet: exit 4 with nothing on stdout needs its reason.
    if (result.decision === 'empty-answer') {
      input.stderr.write(
        `openkoi: warning: the executor's final answer is empty (a reply of only tool calls, or filtered to nothing)${result.answer !== undefined ? `; printed the best earlier answer (iteration ${result.bestIteration})` : '; nothing to print'}.\n`,
      );
    }
    // Learnings need an evaluation (-i 0 has none) and a task that was not interrupted.
    if (taskMemory && !executeOnly && !input.signal?.aborted && outcomeOf(result.decision) !== 'interrupted') {
      await taskMemory.learnFrom(input.task, result, {
        askModel: meter.exceeded() === undefined && outcomeOf(result.decision) !== 'budget',
        accepted: outcomeOf(result.decision) === 'accepted',
        ...(input.signal ? { signal: input.signal } : {}),
      });
    }
    await taskMemory?.close();
    const cost = meter.unpricedAttempts > 0 ? `≥ $${meter.costUsd.toFixed(4)} (${unknownCostReason(meter)})` : `$${meter.costUsd.toFixed(4)}`;
    progress.line(
      'done',
      `${result.decision}${result.score !== undefined ? ` · score ${result.score.toFixed(2)}` : ''} · ${result.iterations.length} iteration${result.iterations.length === 1 ? '' : 's'} · ${meter.totalTokens} tokens · ${cost} · ${servedBySummary(result)}`,
    );
    return exitCode;
  } catch (error) {
    // Ctrl-C at the trust question: nothing ran, nothing to say.
    if (error instanceof TrustQuestionInterrupted) return EXIT.interrupted;
    // Ctrl-C or Ctrl-D in the first-provider picker (issue 12): quiet, like the trust question.
    if (error instanceof PromptInterrupted) return EXIT.interrupted;
    const failure = describeFailure(error);
    if (!failure) throw error;
    progress.error(failure.message);
    // --json promises one JSON object on stdout: a run that could not start is one too.
    if (input.json) input.stdout.write(`${JSON.stringify(jsonError(failure.code, failure.message, failure.exitCode))}\n`);
    return failure.exitCode;
  } finally {
    // Every server this run started ends with it: no orphan processes.
    await mcpServers?.close();
    watchToClose?.close();
    await taskMemory?.close();
    database?.close();
  }
}

/** The checks' runner, seen by the run's change watch when the run has tools: what a check changes is in the change report. */
function watchedBy(toolSetup: ToolSetup | undefined, runner: CommandRunner): CommandRunner {
  return toolSetup ? toolSetup.watch.watching(runner) : runner;
}

/** A failure the run reports and maps to an exit code (anything else is a bug and is thrown). */
function describeFailure(error: unknown): { code: JsonErrorCode; message: string; exitCode: number } | undefined {
  if (error instanceof ConfigError || error instanceof ModelRefError) return { code: 'config', message: error.message, exitCode: EXIT.usage };
  if (error instanceof DatabaseError) {
    return error.permissionDenied
      ? { code: 'permission', message: error.message, exitCode: EXIT.usage }
      : { code: 'database', message: error.message, exitCode: EXIT.failed };
  }
  if (error instanceof ProviderError) {
    // No status: it failed before anything was sent (a missing key), which is a setup problem.
    if (error.kind === 'auth' && error.status === undefined) return { code: 'credentials', message: error.message, exitCode: EXIT.usage };
    return { code: error.kind === 'aborted' ? 'interrupted' : 'provider', message: error.message, exitCode: error.kind === 'aborted' ? EXIT.interrupted : EXIT.failed };
  }
  return undefined;
}

/** The trust question: injected, or on a terminal (stdin and stderr both TTYs), or nobody. */
function confirmTrustFor(input: RunTaskInput): ConfirmTrust | undefined {
  if (input.confirmTrust) return input.confirmTrust;
  const stdin = input.stdin;
  if (!stdin?.isTTY || !input.stderr.isTTY) return undefined;
  return (question) => confirmWorkspaceTrust({ input: stdin, output: input.stderr }, question);
}

/** `[models.options]` split into role and model settings. */
function modelOptionsFrom(config: OpenkoiConfig): ModelOptions {
  const options: ModelOptions = { byRole: {}, byModel: {} };
  for (const [key, value] of Object.entries(config.models?.options ?? {})) {
    const settings = requestSettingsFrom(value);
    if ((ROLES as readonly string[]).includes(key)) options.byRole[key as Role] = settings;
    else options.byModel[key] = settings;
  }
  return options;
}

function exitCodeFor(result: LoopResult): number {
  const error = result.error;
  // A provider that could not even be created (a missing key) is a setup problem, not a failed call.
  if (error instanceof ProviderError && error.kind === 'auth' && error.status === undefined) return EXIT.usage;
  const code = EXIT_FOR_OUTCOME[outcomeOf(result.decision)];
  // A truncated (length) or refused (content-filter) answer is never a silent success.
  if (code === EXIT.ok && answerIsIncomplete(result)) return EXIT.belowThreshold;
  return code;
}

/** The answer given is cut short or a refusal. */
function answerIsIncomplete(result: LoopResult): boolean {
  const answered = result.iterations.find((iteration) => iteration.number === result.bestIteration) ?? result.iterations.at(-1);
  return answered?.finishReason === 'length' || answered?.finishReason === 'content-filter';
}

/** The `[fallback]` line: a retry of the same model is a retry, not a model taking over from itself. */
export function modelSwitchLine(from: ModelRef, to: ModelRef, reason: string, afterOutput: boolean): string {
  const same = formatModelRef(from) === formatModelRef(to);
  if (same) return `${formatModelRef(from)} failed${afterOutput ? ' mid-stream' : ''} (${reason}); retrying it${afterOutput ? ', the reply starts over' : ''}`;
  return afterOutput
    ? `${formatModelRef(from)} failed mid-stream (${reason}); ${formatModelRef(to)} takes over and its output follows`
    : `${formatModelRef(from)} failed (${reason}); trying ${formatModelRef(to)}`;
}

/** Which candidate really served each role (it differs from the configured one after a fallback). */
function servedBySummary(result: LoopResult): string {
  const served = new Map<string, string>();
  for (const iteration of result.iterations) {
    for (const attempt of iteration.attempts) if (attempt.outcome === 'ok') served.set(attempt.role, formatModelRef(attempt.candidate));
  }
  return served.size ? [...served].map(([role, ref]) => `${role} ${ref}`).join(', ') : 'no model replied';
}

function summarise(taskId: string, result: LoopResult, exitCode: number, chains: Record<Role, ModelRef[]>, usedRoles: Role[], meter: BudgetMeter): TaskSummary {
  return {
    taskId,
    answer: result.answer ?? null,
    score: result.score ?? null,
    decision: result.decision,
    accepted: exitCode === EXIT.ok,
    exitCode,
    ...(result.error ? { error: result.error.message } : {}),
    models: Object.fromEntries(usedRoles.map((role) => [role, formatModelRef(chains[role][0]!)])),
    iterations: result.iterations.map((iteration) => ({
      number: iteration.number,
      score: iteration.score ?? null,
      decision: iteration.decision,
      planSteps: iteration.plan?.steps ?? [],
      durationMs: iteration.durationMs,
      usage: iteration.usage,
      findings: iteration.evaluation?.findings ?? [],
      ...(iteration.finishReason !== undefined ? { finishReason: iteration.finishReason } : {}),
      ...(iteration.rawFinishReason !== undefined ? { rawFinishReason: iteration.rawFinishReason } : {}),
      ...(iteration.refusal !== undefined ? { refusal: iteration.refusal } : {}),
      ...(iteration.reasoning ? { reasoning: iteration.reasoning } : {}),
      attempts: iteration.attempts.map((attempt) => ({
        role: attempt.role,
        candidate: formatModelRef(attempt.candidate),
        outcome: attempt.outcome,
        waitedMs: attempt.waitedMs,
        durationMs: attempt.durationMs,
        ...(attempt.errorKind ? { errorKind: attempt.errorKind } : {}),
        ...(attempt.status !== undefined ? { status: attempt.status } : {}),
        ...(attempt.responseModel ? { responseModel: attempt.responseModel } : {}),
        ...(attempt.usage ? { usage: { inputTokens: attempt.usage.inputTokens, outputTokens: attempt.usage.outputTokens, cacheReadTokens: attempt.usage.cacheReadTokens, cacheWriteTokens: attempt.usage.cacheWriteTokens } } : {}),
        // A failed attempt's usage is what the vendor reported before it failed (partial).
        ...(attempt.usage && attempt.outcome === 'error' ? { usagePartial: true } : {}),
        ...(!attempt.usage && attempt.outcome === 'ok' && attempt.role !== 'embedder' ? { usageUnknown: true } : {}),
      })),
    })),
    usage: { inputTokens: meter.usage.inputTokens, outputTokens: meter.usage.outputTokens, cacheReadTokens: meter.usage.cacheReadTokens, cacheWriteTokens: meter.usage.cacheWriteTokens },
    costUsd: meter.costUsd,
    costKnown: meter.unpricedAttempts === 0,
    durationMs: meter.elapsedMs,
  };
}

/** Why the cost is a lower bound: prices the catalog lacks, replies without token counts, or both. */
function unknownCostReason(meter: BudgetMeter): string {
  const unpricedWithUsage = meter.unpricedAttempts - meter.usageUnknownAttempts;
  if (meter.usageUnknownAttempts > 0 && unpricedWithUsage > 0) return 'some prices and usage unknown';
  return meter.usageUnknownAttempts > 0 ? 'some usage unknown' : 'some prices unknown';
}
