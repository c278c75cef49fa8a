import type { ToolCallPart } from '../model/content-part.js';
import type { ToolDefinition } from '../model/tool-definition.js';

export interface ToolOutcome {
  output: string;
  isError: boolean;
  /** The call in one line, as the progress line shows it (`edit src/a.ts (+3 −1)`); kept in the history. */
  summary?: string;
}

/** One tool call of an iteration, as `openkoi history` shows it. */
export interface ToolCallRecord {
  tool: string;
  summary: string;
  isError: boolean;
  /** From the call to its result, in whole milliseconds (a permission question included). */
  durationMs?: number;
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
