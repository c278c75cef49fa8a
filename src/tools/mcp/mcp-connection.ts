// One running MCP server: started (stdio program or Streamable HTTP), initialised, its tools listed,
// kept current on `notifications/tools/list_changed`, and closed. The SDK's Client does the protocol.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema, type CallToolResult, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { endProcess } from './end-process.js';
import type { McpServerSpec } from './mcp-server-spec.js';

/** How openkoi introduces itself to servers: its own name, never another client's. */
export const MCP_CLIENT_INFO = { name: 'openkoi', version: '0.1.0' } as const;

/** The last characters of a server's stderr kept for the warning when it fails. */
const STDERR_TAIL_CHARS = 2_000;

export interface OpenOptions {
  /** Start, initialise and list within this long, or the server is given up. */
  startupTimeoutMs: number;
  /** Working directory of a stdio server: the workspace. */
  cwd: string;
  /** Called after the tool list was refreshed (list_changed). */
  onToolsChanged?: () => void;
  onError?: (message: string) => void;
}

export class McpStartError extends Error {}

/** Remembers the process id once spawned: the SDK forgets it as soon as a close begins. */
class TrackedStdioTransport extends StdioClientTransport {
  spawnedPid: number | undefined;

  override async start(): Promise<void> {
    await super.start();
    this.spawnedPid = this.pid ?? undefined;
  }
}

export class McpConnection {
  private currentTools: McpTool[] = [];
  private refreshing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly spec: McpServerSpec,
    private readonly client: Client,
    private readonly transport: Transport,
    private readonly stderrTail: () => string,
  ) {}

  /** Starts the server; throws McpStartError naming it (with its stderr tail) when it cannot. */
  static async open(spec: McpServerSpec, options: OpenOptions): Promise<McpConnection> {
    let stderr = '';
    let transport: Transport;
    if (spec.transport.kind === 'stdio') {
      const stdio = new TrackedStdioTransport({
        command: spec.transport.command,
        args: spec.transport.args,
        // The SDK passes only a safe subset of the environment (HOME, PATH, …) plus these: a server
        // never sees the user's provider keys unless its entry names them.
        env: spec.transport.env,
        cwd: options.cwd,
        // Captured, not inherited: a server's logs would interleave with openkoi's progress lines.
        stderr: 'pipe',
      });
      stdio.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
      });
      transport = stdio;
    } else {
      transport = new StreamableHTTPClientTransport(new URL(spec.transport.url), { requestInit: { headers: spec.transport.headers } });
    }
    const client = new Client(MCP_CLIENT_INFO, { capabilities: {} });
    const connection = new McpConnection(spec, client, transport, () => stderr);
    const signal = AbortSignal.timeout(options.startupTimeoutMs);
    try {
      await client.connect(transport, { signal, timeout: options.startupTimeoutMs });
      // Registered before the first list so no change between the two is missed.
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        // Set synchronously on receipt: a call whose reply follows the notification awaits the refresh.
        connection.refreshing = connection.refreshTools(options).finally(() => {
          connection.refreshing = undefined;
        });
      });
      connection.currentTools = await connection.listAllTools({ signal, timeout: options.startupTimeoutMs });
      client.onerror = (error) => options.onError?.(`MCP server "${spec.name}": ${error.message}`);
      return connection;
    } catch (error) {
      await connection.close();
      throw new McpStartError(connection.describeStartFailure(error, signal.aborted, options.startupTimeoutMs));
    }
  }

  get tools(): readonly McpTool[] {
    return this.currentTools;
  }

  /** Calls a tool; then waits for a tool-list refresh the server announced before replying. */
  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    if (this.closed) throw new Error(`MCP server "${this.spec.name}" is closed`);
    const result = (await this.client.callTool({ name, arguments: args }, undefined, {
      ...(signal ? { signal } : {}),
      // A long tool that reports progress is not cut off by the SDK's per-request timeout.
      resetTimeoutOnProgress: true,
    })) as CallToolResult;
    await this.refreshing;
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Client.close closes the transport: stdin ended, then SIGTERM, then SIGKILL for a stdio server.
    await this.client.close().catch(() => undefined);
    // …on timers that do not keep openkoi alive; make sure the process is really gone.
    if (this.transport instanceof TrackedStdioTransport && this.transport.spawnedPid !== undefined) await endProcess(this.transport.spawnedPid);
  }

  private async refreshTools(options: OpenOptions): Promise<void> {
    try {
      this.currentTools = await this.listAllTools({});
      options.onToolsChanged?.();
    } catch (error) {
      options.onError?.(`MCP server "${this.spec.name}": refreshing its tools failed (${error instanceof Error ? error.message : String(error)}); keeping the previous list`);
    }
  }

  /** tools/list, following pagination cursors. */
  private async listAllTools(requestOptions: { signal?: AbortSignal; timeout?: number }): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : undefined, requestOptions);
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  private describeStartFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
    const reason = timedOut ? `it did not start within ${timeoutMs / 1000} s` : error instanceof Error ? error.message : String(error);
    const stderr = this.stderrTail().trim();
    const lastLines = stderr ? `; its stderr ended with: ${stderr.split('\n').slice(-3).join(' | ')}` : '';
    return `MCP server "${this.spec.name}" (${this.spec.origin}) failed to start: ${reason}${lastLines}`;
  }
}
