// The least a registry does, for driving MCP tools through the executor in tests: offer the tools
// of the moment, run a call by name. (The real registry, with permissions, is the tools module's.)
import type { ToolRunner } from '../../../src/engine/tool-runner.js';
import type { Tool } from '../../../src/tools/tool.js';

export function toolsAsRunner(tools: () => Tool[], workspace: string): ToolRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    definitions: () => tools().map((tool) => tool.definition),
    run: async (call, signal) => {
      calls.push(call.toolName);
      const tool = tools().find((candidate) => candidate.definition.name === call.toolName);
      if (!tool) return { output: `Unknown tool "${call.toolName}".`, isError: true };
      const { output, isError } = await tool.run((call.input ?? {}) as Record<string, unknown>, { workspace, ...(signal ? { signal } : {}) });
      return { output, isError };
    },
  };
}
