// The run's tools: built-ins plus any extra (MCP) tools, under the permission mode and rules,
// with the shell sandboxed when bwrap works here. Lives in app/ because it decides from the
// terminal (who can be asked) and the trust decision.
import { ConfigError } from '../config/config-error.js';
import type { ToolsConfig } from '../config/config-schema.js';
import { createBuiltinTools } from '../tools/builtin-tools.js';
import { SHELL_DEFAULT_OUTPUT_LIMIT, SHELL_DEFAULT_TIMEOUT_S } from '../tools/shell/shell-tool.js';
import { ChangeTracker } from '../tools/change-tracker.js';
import { PERMISSION_MODES, type AskPermission, type PermissionMode } from '../tools/permission-mode.js';
import { parsePermissionRules, PermissionRuleError } from '../tools/permission-rules.js';
import { createCommandRunner } from '../tools/shell/command-runner.js';
import { detectSandbox, type SandboxStatus } from '../tools/shell/sandbox.js';
import { ShellChangeWatch } from '../tools/shell/shell-change-watch.js';
import type { CommandRunner, Tool } from '../tools/tool.js';
import { createToolRegistry, type ToolRegistry } from '../tools/tool-registry.js';

export interface PermissionModeChoice {
  mode: PermissionMode;
  /** Why a configured mode was not applied, for stderr. */
  warning?: string;
}

/** Checks a --mode value. */
export function parseModeFlag(value: string | undefined): PermissionMode | undefined {
  if (value === undefined) return undefined;
  if ((PERMISSION_MODES as readonly string[]).includes(value)) return value as PermissionMode;
  throw new ConfigError(`--mode "${value}" is not a permission mode: use read, ask or auto.`, '--mode', '--mode');
}

/**
 * --mode, else `[tools] mode`, else ask on a terminal and read otherwise (never broader unless
 * the user said so). `auto` from a config file applies only in a trusted workspace: in an
 * untrusted one only the command line can grant it.
 */
export function choosePermissionMode(input: { flag?: PermissionMode | undefined; configured?: PermissionMode | undefined; trusted: boolean; interactive: boolean }): PermissionModeChoice {
  if (input.flag) return { mode: input.flag };
  const fallback: PermissionMode = input.interactive ? 'ask' : 'read';
  if (input.configured === 'auto' && !input.trusted) {
    return { mode: fallback, warning: `[tools] mode = "auto" applies only in a trusted folder; using ${fallback}. Give --mode auto on the command line, or trust the folder (openkoi trust).` };
  }
  return { mode: input.configured ?? fallback };
}

export interface ToolSetup {
  registry: ToolRegistry;
  changes: ChangeTracker;
  mode: PermissionMode;
  sandbox: SandboxStatus;
  commandRunner: CommandRunner;
  /** Sees the files shell commands and MCP tools change; close it when the run ends (it watches folders). */
  watch: ShellChangeWatch;
}

export interface BuildToolSetupInput {
  workspace: string;
  home: string;
  config: ToolsConfig | undefined;
  mode: PermissionMode;
  environment: NodeJS.ProcessEnv;
  ask?: AskPermission | undefined;
  /** MCP tools of the moment (asked each turn: a server's list may change). */
  extraTools?: () => Tool[];
  onProgress: (line: string) => void;
  onRefused: (line: string) => void;
  /** Tests pass one; default: detected (read mode runs no shell and skips the probe). */
  sandbox?: SandboxStatus;
}

/**
 * Tools that may write (MCP tools not marked read-only) run inside the watch, so what they change
 * in the workspace is in the change report. Each tool keeps one wrapper: the registry sees the same
 * object from turn to turn.
 */
function watchedTools(tools: () => Tool[], watch: ShellChangeWatch): () => Tool[] {
  const wrappers = new WeakMap<Tool, Tool>();
  return () =>
    tools().map((tool) => {
      if (tool.readOnly) return tool;
      let wrapper = wrappers.get(tool);
      if (!wrapper) {
        wrapper = { ...tool, run: (args, context) => watch.around(() => tool.run(args, context)) };
        wrappers.set(tool, wrapper);
      }
      return wrapper;
    });
}

export function buildToolSetup(input: BuildToolSetupInput): ToolSetup {
  let rules;
  try {
    rules = parsePermissionRules(input.config ?? {});
  } catch (error) {
    if (error instanceof PermissionRuleError) throw new ConfigError(error.message, 'tools');
    throw error;
  }
  const sandbox = input.sandbox ?? (input.mode === 'read' ? { sandboxed: false, reason: 'read mode runs no commands' } : detectSandbox(input.environment));
  const commandRunner = createCommandRunner({ workspace: input.workspace, sandbox, network: input.config?.network === true, environment: input.environment });
  const changes = new ChangeTracker(input.workspace);
  // One watch for the run: shell commands and tools from elsewhere (MCP servers) change files the
  // tracker does not see being written; the first before-content of each file wins across them.
  const watch = new ShellChangeWatch(input.workspace, changes);
  const builtins = createBuiltinTools({
    changes,
    watch,
    runner: commandRunner,
    shellTimeoutMs: (input.config?.shell_timeout_s ?? SHELL_DEFAULT_TIMEOUT_S) * 1000,
    outputLimit: input.config?.output_limit ?? SHELL_DEFAULT_OUTPUT_LIMIT,
    home: input.home,
  });
  const registry = createToolRegistry({
    builtins,
    ...(input.extraTools ? { extraTools: watchedTools(input.extraTools, watch) } : {}),
    mode: input.mode,
    rules,
    workspace: input.workspace,
    ...(input.ask ? { ask: input.ask } : {}),
    onProgress: input.onProgress,
    onRefused: input.onRefused,
  });
  return { registry, changes, mode: input.mode, sandbox, commandRunner, watch };
}
