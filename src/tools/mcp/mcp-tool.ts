// An MCP server's tool as an openkoi Tool: named `server__tool`, a write unless the server marks it
// read-only, its result flattened to text and cut to head and tail like shell output.
import { createHash } from 'node:crypto';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Tool, ToolResult } from '../tool.js';
import type { McpConnection } from './mcp-connection.js';
import { truncateHeadTail } from './truncate-head-tail.js';

/** Vendors accept tool names of at most 64 characters from this set (OpenAI, Anthropic, Gemini). */
const MAX_TOOL_NAME = 64;

/** `server__tool`, with characters vendors refuse replaced and an over-long name shortened stably. */
export function mcpToolName(server: string, tool: string): string {
  const name = `${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (name.length <= MAX_TOOL_NAME) return name;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_TOOL_NAME - hash.length - 1)}_${hash}`;
}

/** The result's content as text: text parts as they are, other parts described in a line. */
export function resultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const part of result.content ?? []) {
    switch (part.type) {
      case 'text':
        parts.push(part.text);
        break;
      case 'image':
      case 'audio':
        parts.push(`[${part.type} ${part.mimeType}, ${Math.floor((part.data.length * 3) / 4)} bytes, not shown]`);
        break;
      case 'resource':
        parts.push('text' in part.resource ? part.resource.text : `[resource ${part.resource.uri} (${part.resource.mimeType ?? 'binary'}), not shown]`);
        break;
      case 'resource_link':
        parts.push(`[resource ${part.uri}${part.description ? `: ${part.description}` : ''}]`);
        break;
      default:
        break;
    }
  }
  // Only structured content (a tool with an output schema may send nothing else).
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  return parts.join('\n');
}

export interface McpToolOptions {
  maxOutputChars: number;
}

export function mcpTool(connection: McpConnection, tool: McpTool, options: McpToolOptions): Tool {
  const server = connection.spec.name;
  const name = mcpToolName(server, tool.name);
  return {
    definition: {
      name,
      description: tool.description ?? tool.title ?? tool.annotations?.title ?? `${tool.name} (MCP server ${server})`,
      inputSchema: tool.inputSchema as Record<string, unknown>,
    },
    // A hint from the server; only an explicit true makes the tool read-only.
    readOnly: tool.annotations?.readOnlyHint === true,
    source: `mcp:${server}`,
    async run(args, context): Promise<ToolResult> {
      try {
        const result = await connection.callTool(tool.name, args, context.signal);
        const text = resultText(result);
        const isError = result.isError === true;
        return {
          output: truncateHeadTail(text || (isError ? 'The tool failed and said nothing.' : '(no output)'), options.maxOutputChars),
          isError,
          summary: `${name}${isError ? ' → error' : ''}`,
        };
      } catch (error) {
        // A protocol error, a timeout or a server that died: the model hears it as a tool error.
        const message = error instanceof Error ? error.message : String(error);
        return { output: `MCP server "${server}" could not run ${tool.name}: ${message}`, isError: true, summary: `${name} → failed` };
      }
    },
  };
}
