// The contract between the tool sources (built-in tools, MCP servers) and the registry that offers
// them to the executor under the permission mode. Sources describe; the registry decides.
import type { ToolDefinition } from '../model/tool-definition.js';

/** What a tool call returns to the model. `isError` results still go back to the model. */
export interface ToolResult {
  output: string;
  isError: boolean;
  /** One short line for the stderr progress (`edit src/parser.ts (+3 −1)`); the registry prefixes `[tool]`. */
  summary?: string;
}

export interface ToolContext {
  /** Absolute, canonical workspace root; every path a tool touches resolves inside it. */
  workspace: string;
  signal?: AbortSignal;
}

/** One tool, from any source. */
export interface Tool {
  definition: ToolDefinition;
  /** Read-only tools are offered in `read` mode and never asked about. MCP tools are writes unless the server marks them read-only. */
  readOnly: boolean;
  /** Where it comes from: `builtin` or `mcp:<server>`. */
  source: string;
  /**
   * The string a permission rule `name(PATTERN)` is matched against for this call: the command for
   * shell, the workspace-relative path for file tools, undefined when rules match on the name alone.
   */
  ruleSubject?(args: Record<string, unknown>, workspace: string): string | undefined;
  run(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
  /**
   * What the call would do, shown when the user is asked (a diff for file writes, the command for
   * shell). Throws (e.g. a ToolInputError) when the call cannot succeed: nothing is asked then.
   */
  preview?(args: Record<string, unknown>, context: ToolContext): Promise<string>;
}

/** Runs one shell command in the workspace (sandboxed when available); used by the shell tool and the evaluator's checks. */
export interface CommandRunner {
  run(
    command: string,
    options: { cwd: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<CommandOutcome>;
}

export interface CommandOutcome {
  exitCode: number | null;
  /** stdout and stderr interleaved, whole. */
  output: string;
  timedOut: boolean;
  durationMs: number;
  sandboxed: boolean;
}
