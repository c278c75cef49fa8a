import type { TextPart, ToolCallPart, ToolResultPart } from '../model/content-part.js';
import type { Message } from '../model/message.js';
import type { ToolDefinition } from '../model/tool-definition.js';
import type { RoleRequest } from '../routing/model-gateway.js';
import { invalidField } from './client-error.js';
import { isObject, parseToolArguments, reasoningEffortOf, textOfParts } from './translate-helpers.js';

/**
 * A Chat Completions request body as openkoi's request. What has no equivalent (several choices,
 * images, audio, a forced tool, a JSON schema) is refused with a 400 naming the field, never dropped.
 */
export function roleRequestOfChatCompletion(body: Record<string, unknown>): RoleRequest {
  const { messages, tools } = body;
  if (!Array.isArray(messages) || messages.length === 0) invalidField('messages', 'required: a non-empty array.');
  if (body['n'] !== undefined && body['n'] !== 1) invalidField('n', 'only 1 choice per request is supported by the gateway.');
  if (body['logprobs'] === true) invalidField('logprobs', 'not supported by the gateway.');
  if (body['audio'] !== undefined) invalidField('audio', 'audio output is not supported by the gateway.');
  const format = body['response_format'];
  if (isObject(format) && format['type'] !== 'text') invalidField('response_format', `type "${String(format['type'])}" is not supported by the gateway.`);
  const choice = body['tool_choice'];
  if (choice !== undefined && choice !== 'auto' && choice !== 'none') invalidField('tool_choice', 'only "auto" and "none" are supported by the gateway.');

  const request: RoleRequest = { messages: convertMessages(messages as unknown[]) };
  if (tools !== undefined && choice !== 'none') request.tools = convertTools(tools);
  const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
  if (maxTokens !== undefined && maxTokens !== null) {
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) invalidField('max_tokens', 'a positive integer.');
    request.maxOutputTokens = maxTokens;
  }
  if (typeof body['temperature'] === 'number') request.temperature = body['temperature'];
  if (typeof body['prompt_cache_key'] === 'string') request.promptCacheKey = body['prompt_cache_key'];
  const effort = reasoningEffortOf(body['reasoning_effort']);
  if (effort !== undefined) request.reasoning = { effort };
  return request;
}

function convertTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) invalidField('tools', 'an array of function tools.');
  return tools.map((tool, index) => {
    const field = `tools[${index}]`;
    if (!isObject(tool) || tool['type'] !== 'function' || !isObject(tool['function'])) {
      invalidField(`${field}.type`, `only "function" tools are supported (got ${JSON.stringify(isObject(tool) ? tool['type'] : tool)}).`);
    }
    const definition = tool['function'] as Record<string, unknown>;
    if (typeof definition['name'] !== 'string' || definition['name'] === '') invalidField(`${field}.function.name`, 'required.');
    return {
      name: definition['name'],
      description: typeof definition['description'] === 'string' ? definition['description'] : '',
      inputSchema: isObject(definition['parameters']) ? definition['parameters'] : { type: 'object', properties: {} },
    };
  });
}

function convertMessages(messages: unknown[]): Message[] {
  const toolNames = new Map<string, string>();
  const converted: Message[] = [];
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    if (!isObject(message)) invalidField(field, 'an object with a role.');
    const role = message['role'];
    switch (role) {
      case 'system':
      case 'developer':
        converted.push({ role: 'system', content: textContent(message['content'], `${field}.content`) });
        return;
      case 'user':
        converted.push({ role: 'user', content: textContent(message['content'], `${field}.content`) });
        return;
      case 'assistant': {
        const content: Array<TextPart | ToolCallPart> = [];
        const text = message['content'] === null || message['content'] === undefined ? '' : textContent(message['content'], `${field}.content`);
        if (text !== '') content.push({ type: 'text', text });
        const calls = message['tool_calls'];
        if (calls !== undefined && calls !== null) {
          if (!Array.isArray(calls)) invalidField(`${field}.tool_calls`, 'an array.');
          calls.forEach((call, callIndex) => {
            const callField = `${field}.tool_calls[${callIndex}]`;
            if (!isObject(call) || !isObject(call['function']) || typeof call['id'] !== 'string') invalidField(callField, 'a function call with an id.');
            const fn = call['function'] as Record<string, unknown>;
            const name = String(fn['name'] ?? '');
            toolNames.set(call['id'] as string, name);
            content.push({ type: 'tool-call', toolCallId: call['id'] as string, toolName: name, input: parseToolArguments(fn['arguments'], `${callField}.function.arguments`) });
          });
        }
        converted.push({ role: 'assistant', content });
        return;
      }
      case 'tool': {
        const id = message['tool_call_id'];
        if (typeof id !== 'string') invalidField(`${field}.tool_call_id`, 'required.');
        const part: ToolResultPart = { type: 'tool-result', toolCallId: id, toolName: toolNames.get(id) ?? '', output: textContent(message['content'], `${field}.content`) };
        // Consecutive tool results answer one assistant turn: they travel as one message.
        const previous = converted.at(-1);
        if (previous?.role === 'tool') previous.content.push(part);
        else converted.push({ role: 'tool', content: [part] });
        return;
      }
      default:
        invalidField(`${field}.role`, `"${String(role)}" is not supported (system, developer, user, assistant, tool).`);
    }
  });
  return converted;
}

/** String content, or an array of text parts; images and audio are refused by name. */
function textContent(content: unknown, field: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) invalidField(field, 'a string or an array of text parts.');
  return textOfParts(content, field, ['text']);
}
