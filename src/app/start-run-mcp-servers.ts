// The MCP servers of one run: the user's `[[plugins.mcp]]`, plus `./.mcp.json` only when the
// workspace is trusted (each entry there is a program the repository chose). Started in parallel
// with `[plugins] mcp_startup_timeout_s`; a server that cannot start is a warning, never a failed
// task. The MCP SDK is imported only when there is a server to start.
import type { OpenkoiConfig } from '../config/config-schema.js';
import { mergeServerSpecs, specsFromConfig, specsFromMcpJson } from '../tools/mcp/mcp-server-specs.js';
import type { McpServers } from '../tools/mcp/mcp-servers.js';
import { SHELL_DEFAULT_OUTPUT_LIMIT } from '../tools/shell/shell-tool.js';

export interface StartRunMcpServersInput {
  config: OpenkoiConfig;
  /** The canonical workspace: a stdio server's working directory and where .mcp.json is read. */
  workspace: string;
  trusted: boolean;
  environment: NodeJS.ProcessEnv;
  /** A server skipped or failed, named; a refresh that failed later. */
  warn: (message: string) => void;
  /** The servers that started, with their tool counts. */
  started: (line: string) => void;
}

/** undefined when no server is declared (nothing imported, nothing started). */
export async function startRunMcpServers(input: StartRunMcpServersInput): Promise<McpServers | undefined> {
  const user = specsFromConfig(input.config.plugins?.mcp, input.environment);
  const project = input.trusted ? specsFromMcpJson(input.workspace, input.environment) : { specs: [], problems: [] };
  const { specs, problems } = mergeServerSpecs(user, project);
  for (const problem of problems) input.warn(problem);
  if (specs.length === 0) return undefined;
  const { McpServers } = await import('../tools/mcp/mcp-servers.js');
  const timeoutSeconds = input.config.plugins?.mcp_startup_timeout_s;
  const servers = await McpServers.start(specs, {
    workspace: input.workspace,
    ...(timeoutSeconds !== undefined ? { startupTimeoutMs: timeoutSeconds * 1000 } : {}),
    // Truncated like shell output, with the same limit.
    maxOutputChars: input.config.tools?.output_limit ?? SHELL_DEFAULT_OUTPUT_LIMIT,
    warn: input.warn,
  });
  if (servers.serverNames.length > 0) {
    const counts = new Map<string, number>();
    for (const tool of servers.tools()) counts.set(tool.source, (counts.get(tool.source) ?? 0) + 1);
    input.started(servers.serverNames.map((name) => `${name} (${counts.get(`mcp:${name}`) ?? 0} tools)`).join(', '));
  }
  return servers;
}

/** One provider of the extra tools: fixed ones and the servers' current ones, the same array while nothing changed. */
export function extraToolsProvider<T>(fixed: readonly T[] | undefined, live: (() => T[]) | undefined): (() => T[]) | undefined {
  if (!live) return fixed && fixed.length > 0 ? () => fixed as T[] : undefined;
  if (!fixed || fixed.length === 0) return live;
  let lastLive: T[] | undefined;
  let combined: T[] = [];
  return () => {
    const now = live();
    if (now !== lastLive) {
      lastLive = now;
      combined = [...fixed, ...now];
    }
    return combined;
  };
}
