import type { AssistantPart, TextPart, ToolResultPart } from '../model/content-part.js';
import type { Message } from '../model/message.js';
import type { ToolDefinition } from '../model/tool-definition.js';
import type { RoleRequest } from '../routing/model-gateway.js';
import { invalidField } from './client-error.js';
import { openReasoning, reasoningPartOf } from './reasoning-envelope.js';
import { isObject, textOfParts } from './translate-helpers.js';

/**
 * An Anthropic Messages request body as openkoi's request. Thinking blocks in the history become
 * reasoning parts: Anthropic's own go back to Anthropic byte for byte (it rejects extended thinking
 * with tools otherwise), another vendor's come out of the gateway's envelope (reasoning-envelope.ts)
 * and go back to that vendor; adapters drop reasoning that is not their provider's.
 * `thinking: {type: "enabled", budget_tokens}` is forwarded as the thinking budget; `top_p`, `top_k`,
 * `metadata` and other thinking types are hints the gateway does not forward. Images, documents,
 * server tools, stop sequences and forced tool choices are refused with a 400.
 */
export function roleRequestOfAnthropicMessages(body: Record<string, unknown>): RoleRequest {
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length === 0) invalidField('messages', 'required: a non-empty array.');
  const maxTokens = body['max_tokens'];
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) invalidField('max_tokens', 'required: a positive integer.');
  const stops = body['stop_sequences'];
  if (Array.isArray(stops) && stops.length > 0) invalidField('stop_sequences', 'not supported by the gateway.');
  const choice = body['tool_choice'];
  if (isObject(choice) && choice['type'] !== 'auto' && choice['type'] !== 'none') invalidField('tool_choice.type', 'only "auto" and "none" are supported by the gateway.');

  const converted: Message[] = [];
  const system = body['system'];
  if (system !== undefined) {
    const text = typeof system === 'string' ? system : Array.isArray(system) ? textOfParts(system, 'system', ['text']) : invalidField('system', 'a string or text blocks.');
    if (text !== '') converted.push({ role: 'system', content: text });
  }
  converted.push(...convertMessages(messages as unknown[]));
  const request: RoleRequest = { messages: converted, maxOutputTokens: maxTokens };
  if (body['tools'] !== undefined && !(isObject(choice) && choice['type'] === 'none')) request.tools = convertTools(body['tools']);
  if (typeof body['temperature'] === 'number') request.temperature = body['temperature'];
  const thinking = body['thinking'];
  if (isObject(thinking) && thinking['type'] === 'enabled') {
    const budget = thinking['budget_tokens'];
    if (typeof budget !== 'number' || !Number.isInteger(budget) || budget <= 0) invalidField('thinking.budget_tokens', 'required with thinking enabled: a positive integer.');
    request.reasoning = { budgetTokens: budget };
  }
  return request;
}

/** A thinking or redacted_thinking block of the client's history as a reasoning part. */
function reasoningOfBlock(block: Record<string, unknown>): AssistantPart {
  if (block['type'] === 'redacted_thinking') {
    const sealed = openReasoning(block['data']);
    return sealed ? reasoningPartOf('', sealed) : { type: 'reasoning', text: '', encrypted: String(block['data'] ?? ''), provider: 'anthropic' };
  }
  const text = String(block['thinking'] ?? '');
  const sealed = openReasoning(block['signature']);
  if (sealed) return reasoningPartOf(text, sealed);
  return { type: 'reasoning', text, provider: 'anthropic', ...(typeof block['signature'] === 'string' ? { signature: block['signature'] } : {}) };
}

function convertTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) invalidField('tools', 'an array of tools.');
  return tools.map((tool, index) => {
    const field = `tools[${index}]`;
    if (!isObject(tool)) invalidField(field, 'a tool object.');
    // Client tools have no type (or "custom"); typed ones are Anthropic's server tools.
    if (tool['type'] !== undefined && tool['type'] !== 'custom') invalidField(`${field}.type`, `server tool "${String(tool['type'])}" is not supported by the gateway.`);
    if (typeof tool['name'] !== 'string' || tool['name'] === '') invalidField(`${field}.name`, 'required.');
    return {
      name: tool['name'],
      description: typeof tool['description'] === 'string' ? tool['description'] : '',
      inputSchema: isObject(tool['input_schema']) ? tool['input_schema'] : { type: 'object', properties: {} },
    };
  });
}

function convertMessages(messages: unknown[]): Message[] {
  const toolNames = new Map<string, string>();
  const converted: Message[] = [];
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    if (!isObject(message)) invalidField(field, 'an object with a role.');
    const content = message['content'];
    const blocks: unknown[] = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : invalidField(`${field}.content`, 'a string or an array of blocks.');
    if (message['role'] === 'assistant') {
      const parts: AssistantPart[] = [];
      blocks.forEach((block, blockIndex) => {
        const blockField = `${field}.content[${blockIndex}]`;
        if (!isObject(block)) invalidField(blockField, 'a content block.');
        if (block['type'] === 'text') parts.push({ type: 'text', text: String(block['text'] ?? '') });
        else if (block['type'] === 'tool_use') {
          if (typeof block['id'] !== 'string' || typeof block['name'] !== 'string') invalidField(blockField, 'tool_use needs an id and a name.');
          toolNames.set(block['id'], block['name']);
          parts.push({ type: 'tool-call', toolCallId: block['id'], toolName: block['name'], input: block['input'] ?? {} });
        } else if (block['type'] === 'thinking' || block['type'] === 'redacted_thinking') {
          parts.push(reasoningOfBlock(block));
        } else {
          invalidField(`${blockField}.type`, `"${String(block['type'])}" is not supported in assistant turns by the gateway.`);
        }
      });
      converted.push({ role: 'assistant', content: parts });
      return;
    }
    if (message['role'] !== 'user') invalidField(`${field}.role`, `"${String(message['role'])}" is not supported (user, assistant).`);
    // A user turn may carry tool results and text together; openkoi keeps them as a tool message then a user message.
    const results: ToolResultPart[] = [];
    const texts: TextPart[] = [];
    blocks.forEach((block, blockIndex) => {
      const blockField = `${field}.content[${blockIndex}]`;
      if (!isObject(block)) invalidField(blockField, 'a content block.');
      if (block['type'] === 'text') texts.push({ type: 'text', text: String(block['text'] ?? '') });
      else if (block['type'] === 'tool_result') {
        const id = block['tool_use_id'];
        if (typeof id !== 'string') invalidField(`${blockField}.tool_use_id`, 'required.');
        const output = block['content'];
        const text = output === undefined ? '' : typeof output === 'string' ? output : Array.isArray(output) ? textOfParts(output, `${blockField}.content`, ['text']) : invalidField(`${blockField}.content`, 'a string or text blocks.');
        results.push({ type: 'tool-result', toolCallId: id, toolName: toolNames.get(id) ?? '', output: text, ...(block['is_error'] === true ? { isError: true } : {}) });
      } else invalidField(`${blockField}.type`, `"${String(block['type'])}" content is not supported by the gateway (text and tool_result only).`);
    });
    if (results.length > 0) converted.push({ role: 'tool', content: results });
    if (texts.length > 0 || results.length === 0) converted.push({ role: 'user', content: texts });
  });
  return converted;
}
