import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../src/model/estimate-tokens.js';
import type { Message } from '../../src/model/message.js';
import type { ToolDefinition } from '../../src/model/tool-definition.js';

// What the estimate is defined as: every message's content and the tool definitions, about four
// characters a token. The incremental estimate must always equal this, measured from scratch.
function fromScratch(messages: readonly Message[], tools?: readonly ToolDefinition[]): number {
  let characters = 0;
  for (const message of messages) characters += typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content).length;
  if (tools?.length) characters += JSON.stringify(tools).length;
  return Math.ceil(characters / 4);
}

const tool = (name: string, description = 'a tool'): ToolDefinition => ({ name, description, inputSchema: { type: 'object', properties: { path: { type: 'string' } } } });

describe('estimated input tokens across the rounds of a tool loop', () => {
  it('equals the whole-history estimate after every round', () => {
    const messages: Message[] = [
      { role: 'system', content: 'You are the executor.' },
      { role: 'user', content: 'Fix the bug.' },
    ];
    const tools = [tool('read'), tool('edit')];
    for (let round = 0; round < 5; round++) {
      expect(estimateInputTokens({ messages, tools })).toBe(fromScratch(messages, tools));
      messages.push({ role: 'assistant', content: [{ type: 'tool-call', toolCallId: `call_${round}`, toolName: 'read', input: { path: `file-${round}.ts` } }] });
      messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: `call_${round}`, toolName: 'read', output: 'x'.repeat(1000 * (round + 1)), isError: false }] });
    }
    expect(estimateInputTokens({ messages, tools })).toBe(fromScratch(messages, tools));
  });

  it('counts a part added to a message after it was estimated', () => {
    const content: Extract<Message, { role: 'tool' }>['content'] = [{ type: 'tool-result', toolCallId: 'a', toolName: 'read', output: 'short', isError: false }];
    const messages: Message[] = [{ role: 'tool', content }];
    const before = estimateInputTokens({ messages });
    content.push({ type: 'tool-result', toolCallId: 'b', toolName: 'read', output: 'y'.repeat(4000), isError: false });
    const after = estimateInputTokens({ messages });
    expect(after).toBe(fromScratch(messages));
    expect(after).toBeGreaterThan(before + 900);
  });

  it('counts the new tool list when the tools change (MCP tools/list_changed), not the old one', () => {
    const messages: Message[] = [{ role: 'user', content: 'hello' }];
    const first = [tool('read')];
    expect(estimateInputTokens({ messages, tools: first })).toBe(fromScratch(messages, first));
    // A server announced more tools: the registry hands out a new list.
    const second = [tool('read'), tool('mcp__search__query', 'Search the web. '.repeat(200))];
    expect(estimateInputTokens({ messages, tools: second })).toBe(fromScratch(messages, second));
    // Same length, other tools: still measured, not taken from the first list.
    const third = [tool('mcp__docs__fetch', 'Fetch a page. '.repeat(50))];
    expect(estimateInputTokens({ messages, tools: third })).toBe(fromScratch(messages, third));
    // And the first list again, unchanged.
    expect(estimateInputTokens({ messages, tools: first })).toBe(fromScratch(messages, first));
  });

  it('counts no tools when the wrap-up turn sends none', () => {
    const messages: Message[] = [{ role: 'user', content: 'x'.repeat(40) }];
    expect(estimateInputTokens({ messages })).toBe(10);
    expect(estimateInputTokens({ messages, tools: [] })).toBe(10);
  });
});
