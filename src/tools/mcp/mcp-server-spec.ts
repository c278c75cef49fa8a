// One MCP server to start, whatever file it came from: the user's `[[plugins.mcp]]` or a trusted
// workspace's `./.mcp.json`. Variables are already expanded.

export type McpTransportSpec =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { kind: 'http'; url: string; headers: Record<string, string> };

export interface McpServerSpec {
  name: string;
  transport: McpTransportSpec;
  /** Where it was declared, for warnings: `config` or the path of the `.mcp.json`. */
  origin: string;
}
