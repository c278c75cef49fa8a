import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../src/model/estimate-tokens.js';
import { parsePermissionRules } from '../../src/tools/permission-rules.js';
import type { Tool } from '../../src/tools/tool.js';
import { createToolRegistry } from '../../src/tools/tool-registry.js';

// The executor asks for the tool definitions before every request. They must be the same list
// while nothing changed (the cached prompt prefix stays byte-identical, and per-list work such as
// the token estimate is done once), and a new, current list as soon as an MCP server's
// tools/list_changed changed them.

function tool(name: string, source = 'builtin', description = `the ${name} tool`): Tool {
  return {
    definition: { name, description, inputSchema: { type: 'object', properties: {} } },
    readOnly: true,
    source,
    run: async () => ({ output: `${name} ran`, isError: false }),
  };
}

const registryWith = (extraTools?: () => Tool[]) =>
  createToolRegistry({ builtins: [tool('read'), tool('edit')], ...(extraTools ? { extraTools } : {}), mode: 'auto', rules: parsePermissionRules({}), workspace: '/tmp' });

describe('the offered tool definitions across the turns of a run', () => {
  it('are the same list, turn after turn and call after call, in a run without MCP tools', async () => {
    const registry = registryWith();
    const first = registry.definitions();
    await registry.run({ type: 'tool-call', toolCallId: 'c1', toolName: 'read', input: {} });
    expect(registry.definitions()).toBe(first);
    expect(first.map((definition) => definition.name)).toEqual(['edit', 'read']);
  });

  it('are a new list, with the new tool, after tools/list_changed; and the estimate counts it', async () => {
    let live = [tool('mcp__docs__search', 'mcp:docs')];
    const registry = registryWith(() => live);
    const before = registry.definitions();
    expect(registry.definitions()).toBe(before);
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const estimateBefore = estimateInputTokens({ messages, tools: before });

    // The server announced a changed list: the connection hands out a new array.
    live = [tool('mcp__docs__search', 'mcp:docs'), tool('mcp__docs__fetch', 'mcp:docs', 'Fetch a page. '.repeat(40))];
    const after = registry.definitions();
    expect(after).not.toBe(before);
    expect(after.map((definition) => definition.name)).toEqual(['edit', 'mcp__docs__fetch', 'mcp__docs__search', 'read']);
    expect(estimateInputTokens({ messages, tools: after })).toBeGreaterThan(estimateBefore + 100);
    expect((await registry.run({ type: 'tool-call', toolCallId: 'c2', toolName: 'mcp__docs__fetch', input: {} })).output).toBe('mcp__docs__fetch ran');
  });
});
