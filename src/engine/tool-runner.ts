import type { ToolCallPart } from '../model/content-part.js';
import type { ToolDefinition } from '../model/tool-definition.js';

export interface ToolOutcome {
  output: string;
  isError: boolean;
  /** The call in one line, as the progress line shows it (`edit src/a.ts (+3 −1)`); kept in the history. */
  summary?: string;
  /** The tool's own run time (not the checks around it, nor a permission question); absent when it did not run. */
  durationMs?: number;
}

/** One tool call of an iteration, as `openkoi history` shows it. */
export interface ToolCallRecord {
  tool: string;
  summary: string;
  isError: boolean;
  /** The tool's own run time in milliseconds, to 0.1 ms (absent: it did not run — refused, unknown, bad arguments). */
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
