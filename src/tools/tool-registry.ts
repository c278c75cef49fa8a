// The executor's ToolRunner: the built-in tools plus tools from outside (MCP), offered sorted by
// name (stable schemas keep the cached prompt prefix byte-identical) and run under the permission
// mode and rules. Every problem (unknown tool, bad arguments, refused, a tool that throws) goes
// back to the model as a tool error naming the tool and the problem.
import type { ToolCallPart } from '../model/content-part.js';
import type { ToolDefinition } from '../model/tool-definition.js';
import type { ToolOutcome, ToolRunner } from '../engine/tool-runner.js';
import { matchRules, type PermissionRules } from './permission-rules.js';
import type { AskPermission, PermissionMode } from './permission-mode.js';
import type { Tool } from './tool.js';
import { ToolInputError } from './tool-input-error.js';
import { splitShellCommand } from './split-shell-command.js';
import { compareCodePoints } from '../model/compare-code-points.js';

export interface ToolRegistryOptions {
  builtins: Tool[];
  /**
   * Tools from other sources (MCP servers), asked for on every turn and call: a server's
   * tools/list_changed may change them mid-run. Same permissions (writes unless readOnly).
   */
  extraTools?: () => Tool[];
  mode: PermissionMode;
  rules: PermissionRules;
  workspace: string;
  /** Absent: nobody to ask (not a terminal); ask mode then refuses and says so. */
  ask?: AskPermission;
  /** One line per call for stderr (`edit src/a.ts (+3 −1)`); the caller adds `[tool]`. */
  onProgress?: (line: string) => void;
  /** Said once on stderr when non-interactive ask mode refuses a call. */
  onRefused?: (line: string) => void;
}

export interface ToolRegistry extends ToolRunner {
  tools(): Tool[];
}

/** The prefix an "always" answer covers: the command's first two words for shell, the folder for files. */
export function alwaysPrefix(tool: string, subject: string | undefined): string | undefined {
  if (subject === undefined) return undefined;
  if (tool === 'shell') return (splitShellCommand(subject).commands[0] ?? subject.trim()).split(/\s+/).slice(0, 2).join(' ');
  const slash = subject.lastIndexOf('/');
  return slash === -1 ? '' : subject.slice(0, slash + 1);
}

const byToolName = (a: Tool, b: Tool) => compareCodePoints(a.definition.name, b.definition.name);

interface OfferedTools {
  byName: Map<string, Tool>;
  offered: Tool[];
  offeredNames: Set<string>;
  definitions: ToolDefinition[];
}

/** The extra tools of a run without any: one array, so `now()` sees "unchanged" and keeps its answer. */
const NO_EXTRA_TOOLS: Tool[] = [];

export function createToolRegistry(options: ToolRegistryOptions): ToolRegistry {
  // A built-in wins a name clash (MCP names carry `__`, so only a strange server collides).
  const builtins = new Map<string, Tool>();
  for (const tool of options.builtins) if (!builtins.has(tool.definition.name)) builtins.set(tool.definition.name, tool);
  const offer = (tool: Tool) => options.mode !== 'read' || tool.readOnly;
  let lastExtra: Tool[] | undefined;
  let current: OfferedTools | undefined;
  /** The tools of this moment; recomputed only when the extra source hands out a new list. */
  const now = (): OfferedTools => {
    // Not `?? []`: a new empty array each call rebuilt the offered tools, and handed the executor a
    // new definitions list, on every request and every tool call.
    const extra = options.extraTools?.() ?? NO_EXTRA_TOOLS;
    if (current && extra === lastExtra) return current;
    const byName = new Map(builtins);
    for (const tool of extra) if (!byName.has(tool.definition.name)) byName.set(tool.definition.name, tool);
    // read mode offers only read-only tools; sorted by name so the cached prefix stays byte-identical.
    const offered = [...byName.values()].filter(offer).sort(byToolName);
    lastExtra = extra;
    current = { byName, offered, offeredNames: new Set(offered.map((tool) => tool.definition.name)), definitions: offered.map((tool) => tool.definition) };
    return current;
  };
  // "Always" answers of this run.
  const alwaysTools = new Set<string>();
  const alwaysPrefixes: Array<{ tool: string; prefix: string }> = [];
  let toldRefusal = false;

  // A command prefix covers a chain only when every command in it starts with an approved prefix,
  // word for word ("echo hi" covers "echo hi there", not "echo hidden" nor "echo hi; rm -rf ~").
  const coveredByPrefix = (tool: string, subject: string): boolean => {
    const prefixes = alwaysPrefixes.filter((entry) => entry.tool === tool).map((entry) => entry.prefix);
    if (prefixes.length === 0) return false;
    if (tool !== 'shell') return prefixes.some((prefix) => subject.startsWith(prefix));
    const { commands, opaque } = splitShellCommand(subject);
    return !opaque && commands.length > 0 && commands.every((command) => prefixes.some((prefix) => command === prefix || command.startsWith(`${prefix} `)));
  };
  const approvedBefore = (tool: string, subject: string | undefined) => alwaysTools.has(tool) || (subject !== undefined && coveredByPrefix(tool, subject));

  async function permit(tool: Tool, args: Record<string, unknown>): Promise<string | undefined> {
    const name = tool.definition.name;
    const subject = tool.ruleSubject?.(args, options.workspace);
    const matched = matchRules(options.rules, name, subject);
    if (matched?.verdict === 'deny') return `${name} refused by the rule deny = "${matched.rule.text}"`;
    if (tool.readOnly) return undefined;
    if (options.mode === 'read') return `${name} is not available in read mode (run with --mode ask or --mode auto to allow changes)`;
    const mustAsk = matched?.verdict === 'ask' || (matched?.verdict !== 'allow' && options.mode === 'ask');
    if (!mustAsk || approvedBefore(name, subject)) return undefined;
    let preview: string | undefined;
    if (tool.preview) preview = await tool.preview(args, { workspace: options.workspace }); // throws ToolInputError: nothing to ask
    if (!options.ask) {
      const why = `${name} needs permission and nobody can be asked (not a terminal, mode ask); refused. Run with --mode auto, or allow it with [tools] allow = ["${name}(...)"]`;
      if (!toldRefusal) options.onRefused?.(why);
      toldRefusal = true;
      return why;
    }
    const prefix = alwaysPrefix(name, subject);
    const answer = await options.ask({ tool: name, source: tool.source, ...(subject !== undefined ? { subject } : {}), ...(preview !== undefined ? { preview } : {}), ...(prefix !== undefined ? { prefix } : {}) });
    if (answer === 'no') return `the user declined this ${name} call`;
    if (answer === 'always-tool') alwaysTools.add(name);
    if (answer === 'always-prefix' && prefix !== undefined) alwaysPrefixes.push({ tool: name, prefix });
    return undefined;
  }

  return {
    tools: () => now().offered,
    definitions: () => now().definitions,
    async run(call: ToolCallPart, signal?: AbortSignal): Promise<ToolOutcome> {
      const { byName, offeredNames } = now();
      const tool = byName.get(call.toolName);
      if (!tool || !offeredNames.has(call.toolName)) {
        const why = tool ? `tool "${call.toolName}" is not available in read mode` : `unknown tool "${call.toolName}"`;
        options.onProgress?.(`${call.toolName} → refused (${tool ? 'read mode' : 'unknown tool'})`);
        return { output: `${why}. Available tools: ${[...offeredNames].join(', ') || 'none'}.`, isError: true };
      }
      const input = call.input;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        options.onProgress?.(`${call.toolName} → bad arguments`);
        // A string here is what the provider kept when the model's arguments did not parse.
        const got = typeof input === 'string' ? 'text that is not valid JSON' : input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
        return { output: `${call.toolName}: the arguments must be a JSON object matching the tool's schema (got ${got}).`, isError: true };
      }
      const args = input as Record<string, unknown>;
      try {
        const refusal = await permit(tool, args);
        if (refusal) {
          options.onProgress?.(`${call.toolName} → refused`);
          return { output: refusal, isError: true, summary: `${call.toolName} → refused` };
        }
        const startedAt = performance.now();
        const result = await tool.run(args, { workspace: options.workspace, ...(signal ? { signal } : {}) });
        const durationMs = performance.now() - startedAt;
        const summary = result.summary ?? `${call.toolName}${result.isError ? ' → error' : ''}`;
        options.onProgress?.(summary);
        return { output: result.output, isError: result.isError, summary, durationMs };
      } catch (error) {
        const message = error instanceof ToolInputError ? error.message : `failed: ${(error as Error).message}`;
        options.onProgress?.(`${call.toolName} → error`);
        return { output: `${call.toolName}: ${message}`, isError: true };
      }
    },
  };
}
