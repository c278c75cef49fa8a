import type { ContentBlock, Message as BedrockMessage, SystemContentBlock, Tool, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type { ChatRequest } from '../../model/chat-request.js';
import type { Message } from '../../model/message.js';
import type { ToolDefinition } from '../../model/tool-definition.js';

export interface BedrockPrompt {
  system: SystemContentBlock[] | undefined;
  messages: BedrockMessage[];
  toolConfig: ToolConfiguration | undefined;
}

/**
 * Our request as Converse wants it: system messages lifted to `system`, tool calls as `toolUse`
 * blocks, tool results as `toolResult` blocks in a user turn, consecutive turns of one role merged
 * (Converse requires alternating roles), and a prompt-cache point after the system prompt on the
 * model families that support one.
 */
export function convertBedrockPrompt(request: ChatRequest): BedrockPrompt {
  const system: SystemContentBlock[] = [];
  const messages: BedrockMessage[] = [];
  // Only Claude and Nova models accept a tool result's `status`; others reject the request.
  const acceptsToolStatus = isAnthropicModel(request.model) || isNovaModel(request.model);
  const calledTools = new Set<string>();
  for (const message of request.messages) {
    if (message.role === 'system') {
      if (message.content !== '') system.push({ text: message.content });
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = contentBlocks(message, acceptsToolStatus, calledTools);
    if (blocks.length === 0) continue;
    const previous = messages.at(-1);
    if (previous && previous.role === role) previous.content!.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  if (system.length > 0 && supportsPromptCaching(request.model)) system.push({ cachePoint: { type: 'default' } });
  return { system: system.length > 0 ? system : undefined, messages, toolConfig: toolConfiguration(request.tools, calledTools) };
}

function contentBlocks(message: Exclude<Message, { role: 'system' }>, acceptsToolStatus: boolean, calledTools: Set<string>): ContentBlock[] {
  // Converse rejects empty text blocks, so empty text is left out rather than sent.
  if (typeof message.content === 'string') return message.content === '' ? [] : [{ text: message.content }];
  const blocks: ContentBlock[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ text: part.text });
    } else if (part.type === 'reasoning') {
      // Signed reasoning goes back exactly as received (Claude's extended thinking with tools
      // requires it); reasoning from another provider, or unsigned, cannot and is left out.
      if (part.provider !== 'bedrock') continue;
      if (part.encrypted !== undefined) blocks.push({ reasoningContent: { redactedContent: Buffer.from(part.encrypted, 'base64') } });
      else if (part.signature !== undefined) blocks.push({ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } });
    } else if (part.type === 'tool-call') {
      calledTools.add(part.toolName);
      blocks.push({ toolUse: { toolUseId: part.toolCallId, name: part.toolName, input: inputObject(part.input) } });
    } else {
      blocks.push({
        toolResult: {
          toolUseId: part.toolCallId,
          content: [{ text: part.output }],
          ...(part.isError && acceptsToolStatus ? { status: 'error' as const } : {}),
        },
      });
    }
  }
  return blocks;
}

/**
 * Converse refuses a history holding toolUse or toolResult blocks unless `toolConfig` declares
 * the tools used. A tool called in the history but not offered now (an evaluator reading the
 * executor's turns, a tool since removed) is declared with an open schema.
 */
function toolConfiguration(tools: ToolDefinition[] | undefined, calledTools: Set<string>): ToolConfiguration | undefined {
  const declared: Tool[] = (tools ?? []).map((tool) => ({
    toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: { type: 'object', ...tool.inputSchema } } },
  }));
  const declaredNames = new Set((tools ?? []).map((tool) => tool.name));
  for (const name of calledTools) {
    if (!declaredNames.has(name)) declared.push({ toolSpec: { name, description: `The ${name} tool`, inputSchema: { json: { type: 'object' } } } });
  }
  return declared.length > 0 ? { tools: declared } : undefined;
}

// `toolUse.input` must be a JSON object; a call recorded without arguments becomes `{}`.
function inputObject(input: unknown): Record<string, never> {
  return (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, never>;
}

/** Model ids, plain or behind a cross-region inference profile (`us.anthropic.…`). */
function isAnthropicModel(modelId: string): boolean {
  return /(^|\.)anthropic\./.test(modelId);
}

function isNovaModel(modelId: string): boolean {
  return /(^|\.)amazon\.nova-/.test(modelId);
}

// Claude and Nova models take cache points; other families reject the block.
function supportsPromptCaching(modelId: string): boolean {
  return isAnthropicModel(modelId) || isNovaModel(modelId);
}
