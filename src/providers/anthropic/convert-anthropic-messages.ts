import type {
  ContentBlockParam,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatRequest } from '../../model/chat-request.js';
import type { Message } from '../../model/message.js';
import type { ToolDefinition } from '../../model/tool-definition.js';

export interface AnthropicPrompt {
  system: TextBlockParam[] | undefined;
  messages: MessageParam[];
  tools: Tool[] | undefined;
}

type BlockParam = ContentBlockParam & { cache_control?: { type: 'ephemeral' } | null };

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Our request as the Messages API wants it: system messages lifted to the top-level `system`,
 * tool calls as `tool_use` blocks, tool results as `tool_result` blocks inside a user message,
 * consecutive messages of one role merged (the API requires alternating turns), and prompt-cache
 * breakpoints on the end of the stable prefix and on the last tool.
 */
export function convertAnthropicPrompt(request: ChatRequest): AnthropicPrompt {
  const system: TextBlockParam[] = [];
  const messages: MessageParam[] = [];
  // The last block each of our messages produced, so a cache breakpoint can be put on the block
  // that ends message `cacheablePrefixLength - 1` after merging has reshaped the list.
  const lastBlockOf: Array<BlockParam | undefined> = [];

  for (const message of request.messages) {
    if (message.role === 'system') {
      const block = textBlock(message.content);
      if (block) system.push(block);
      lastBlockOf.push(block);
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = contentBlocks(message);
    lastBlockOf.push(blocks.at(-1));
    if (blocks.length === 0) continue;
    const previous = messages.at(-1);
    if (previous && previous.role === role) {
      (previous.content as BlockParam[]).push(...blocks);
    } else {
      messages.push({ role, content: blocks });
    }
  }

  const breakpoint = cacheBreakpoint(request.cacheablePrefixLength, system, lastBlockOf);
  if (breakpoint) breakpoint.cache_control = EPHEMERAL;

  const tools = request.tools?.length ? request.tools.map(convertTool) : undefined;
  // Tools come first in Anthropic's cache order, so one breakpoint on the last caches them all.
  if (tools) tools[tools.length - 1]!.cache_control = EPHEMERAL;

  return { system: system.length > 0 ? system : undefined, messages, tools };
}

function cacheBreakpoint(
  cacheablePrefixLength: number | undefined,
  system: TextBlockParam[],
  lastBlockOf: Array<BlockParam | undefined>,
): BlockParam | undefined {
  if (cacheablePrefixLength === undefined) return system.at(-1);
  // A message that produced no block (empty text) moves the breakpoint back to the one before.
  for (let index = Math.min(cacheablePrefixLength, lastBlockOf.length) - 1; index >= 0; index--) {
    const block = lastBlockOf[index];
    if (block) return block;
  }
  return undefined;
}

function contentBlocks(message: Exclude<Message, { role: 'system' }>): BlockParam[] {
  if (typeof message.content === 'string') {
    const block = textBlock(message.content);
    return block ? [block] : [];
  }
  const blocks: BlockParam[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      const block = textBlock(part.text);
      if (block) blocks.push(block);
    } else if (part.type === 'reasoning') {
      // Signed thinking goes back exactly as received (Anthropic rejects extended thinking with
      // tools otherwise); reasoning from another vendor, or unsigned, cannot and is left out.
      if (part.provider !== 'anthropic') continue;
      if (part.encrypted !== undefined) blocks.push({ type: 'redacted_thinking', data: part.encrypted });
      else if (part.signature !== undefined) blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
    } else if (part.type === 'tool-call') {
      blocks.push({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: toolInput(part.input) });
    } else {
      blocks.push({
        type: 'tool_result',
        tool_use_id: part.toolCallId,
        content: part.output,
        ...(part.isError ? { is_error: true } : {}),
      });
    }
  }
  return blocks;
}

// The API rejects empty text blocks, so empty text is left out rather than sent.
function textBlock(text: string): TextBlockParam | undefined {
  return text === '' ? undefined : { type: 'text', text };
}

// `tool_use.input` must be an object; a call recorded without arguments becomes `{}`.
function toolInput(input: unknown): Record<string, unknown> {
  return input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

function convertTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.inputSchema } as Tool['input_schema'],
  };
}
