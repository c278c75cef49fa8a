import type { ToolCallPart } from '../model/content-part.js';
import type { ToolDefinition } from '../model/tool-definition.js';

export interface ToolOutcome {
  output: string;
  isError: boolean;
}

/** What the executor needs of tools; the tools module provides the real ones. */
export interface ToolRunner {
  definitions(): ToolDefinition[];
  run(call: ToolCallPart, signal?: AbortSignal): Promise<ToolOutcome>;
}

/** No tools: the executor answers in one turn. */
export const NO_TOOLS: ToolRunner = {
  definitions: () => [],
  run: async (call) => ({ output: `Unknown tool "${call.toolName}": no tools are available.`, isError: true }),
};
