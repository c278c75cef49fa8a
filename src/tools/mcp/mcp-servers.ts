// The MCP servers of one run: started in parallel, each with a startup timeout; a server that fails
// is a warning naming it, never a failed task. Their tools, current as of the last list_changed,
// are Tools for the registry; close() ends every server (no orphan processes).
import type { Tool } from '../tool.js';
import { McpConnection, McpStartError } from './mcp-connection.js';
import type { McpServerSpec } from './mcp-server-spec.js';
import { mcpTool } from './mcp-tool.js';
import { DEFAULT_MAX_OUTPUT_CHARS } from './truncate-head-tail.js';
import { compareCodePoints } from '../../model/compare-code-points.js';

/** A first `npx` run downloads the server: 30 s by default, `[plugins] mcp_startup_timeout_s`. */
export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 30_000;

export interface StartMcpOptions {
  /** The workspace: a stdio server's working directory. */
  workspace: string;
  startupTimeoutMs?: number;
  maxOutputChars?: number;
  /** One line per server that failed to start, or a problem later (refresh failure). */
  warn: (message: string) => void;
  /** After a server's tool list changed. */
  onToolsChanged?: (server: string) => void;
}

export class McpServers {
  /** The tools as last built; dropped when a server's list changes. */
  private built: Tool[] | undefined;

  private constructor(
    private readonly connections: McpConnection[],
    private readonly maxOutputChars: number,
  ) {}

  /** Starts every server at once and waits for all of them to be up or given up. */
  static async start(specs: readonly McpServerSpec[], options: StartMcpOptions): Promise<McpServers> {
    const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_MCP_STARTUP_TIMEOUT_MS;
    // Connections announce changes before the McpServers exists; the holder lets them reach it.
    const holder: { servers?: McpServers } = {};
    const opened = await Promise.allSettled(
      specs.map((spec) =>
        McpConnection.open(spec, {
          startupTimeoutMs,
          cwd: options.workspace,
          onToolsChanged: () => {
            if (holder.servers) holder.servers.built = undefined;
            options.onToolsChanged?.(spec.name);
          },
          onError: options.warn,
        }),
      ),
    );
    const connections: McpConnection[] = [];
    for (const outcome of opened) {
      if (outcome.status === 'fulfilled') connections.push(outcome.value);
      else options.warn(outcome.reason instanceof McpStartError ? outcome.reason.message : `an MCP server failed to start: ${String(outcome.reason)}`);
    }
    holder.servers = new McpServers(connections, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS);
    return holder.servers;
  }

  /** The servers that started, by name. */
  get serverNames(): string[] {
    return this.connections.map((connection) => connection.spec.name);
  }

  /**
   * Every server's tools as they are now, sorted by name (a stable order keeps the prompt cache).
   * The same array until a list changes, so a registry can tell that nothing changed.
   */
  tools(): Tool[] {
    if (this.built) return this.built;
    const tools = this.connections.flatMap((connection) => connection.tools.map((tool) => mcpTool(connection, tool, { maxOutputChars: this.maxOutputChars })));
    this.built = tools.sort((a, b) => compareCodePoints(a.definition.name, b.definition.name));
    return this.built;
  }

  /** Closes every server; safe to call twice. */
  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
  }
}
