import type { AssistantPart, TextPart, ToolCallPart, ToolResultPart } from '../model/content-part.js';
import type { Message } from '../model/message.js';
import type { ToolDefinition } from '../model/tool-definition.js';
import type { RoleRequest } from '../routing/model-gateway.js';
import { invalidField } from './client-error.js';
import { openReasoning, reasoningPartOf } from './reasoning-envelope.js';
import { isObject, parseToolArguments, reasoningEffortOf, textOfParts } from './translate-helpers.js';

/** The one string argument a free-form (`custom`) tool becomes for vendors that only have function tools. */
export const CUSTOM_TOOL_ARGUMENT = 'input';

export interface TranslatedResponsesRequest {
  request: RoleRequest;
  /** Names of the client's `custom` tools: their calls go back as `custom_tool_call` items. */
  customTools: ReadonlySet<string>;
  /** Function tools that came inside a `namespace` tool, by name: their calls name it again. */
  namespaces: ReadonlyMap<string, string>;
  /** Hosted tools left out of the request (the gateway reports them in a header). */
  omittedTools: readonly string[];
  /** `include: ["reasoning.encrypted_content"]`: reasoning items carry their opaque proof (how the client can send them back). */
  includeReasoningContent: boolean;
}

/**
 * A Responses API request as openkoi's request. The gateway keeps no conversation state, so
 * `previous_response_id` is refused. Reasoning items the gateway wrote come back as reasoning
 * parts for the vendor that made them (their `encrypted_content` is the gateway's envelope,
 * reasoning-envelope.ts); OpenAI's own encrypted reasoning is readable only by OpenAI and is left
 * out. `reasoning.effort` is forwarded. Hosted tools are left out and reported, `namespace` tools are
 * offered flat.
 */
export function roleRequestOfResponses(body: Record<string, unknown>): TranslatedResponsesRequest {
  if (body['previous_response_id'] !== undefined && body['previous_response_id'] !== null) {
    invalidField('previous_response_id', 'the gateway keeps no conversation state: send the whole input (store: false).');
  }
  const text = body['text'];
  if (isObject(text) && isObject(text['format']) && text['format']['type'] !== 'text') invalidField('text.format.type', `"${String(text['format']['type'])}" is not supported by the gateway.`);
  const choice = body['tool_choice'];
  if (choice !== undefined && choice !== 'auto' && choice !== 'none') invalidField('tool_choice', 'only "auto" and "none" are supported by the gateway.');

  const context: ToolContext = { customTools: new Set(), namespaces: new Map(), omittedTools: [] };
  const tools = body['tools'] === undefined || choice === 'none' ? undefined : convertTools(body['tools'], context);
  const messages: Message[] = [];
  const instructions = body['instructions'];
  if (typeof instructions === 'string' && instructions !== '') messages.push({ role: 'system', content: instructions });
  const input = body['input'];
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) messages.push(...convertItems(input));
  else invalidField('input', 'required: a string or an array of input items.');
  if (messages.every((message) => message.role === 'system')) invalidField('input', 'must hold at least one message.');

  const request: RoleRequest = { messages };
  if (tools && tools.length > 0) request.tools = tools;
  const maxTokens = body['max_output_tokens'];
  if (maxTokens !== undefined && maxTokens !== null) {
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) invalidField('max_output_tokens', 'a positive integer.');
    request.maxOutputTokens = maxTokens;
  }
  if (typeof body['temperature'] === 'number') request.temperature = body['temperature'];
  if (typeof body['prompt_cache_key'] === 'string') request.promptCacheKey = body['prompt_cache_key'];
  const reasoning = body['reasoning'];
  const effort = isObject(reasoning) ? reasoningEffortOf(reasoning['effort']) : undefined;
  if (effort !== undefined) request.reasoning = { effort };
  const include = body['include'];
  const includeReasoningContent = Array.isArray(include) && include.includes('reasoning.encrypted_content');
  return { request, customTools: context.customTools, namespaces: context.namespaces, omittedTools: context.omittedTools, includeReasoningContent };
}

interface ToolContext {
  customTools: Set<string>;
  namespaces: Map<string, string>;
  omittedTools: string[];
}

function convertTools(tools: unknown, context: ToolContext, field = 'tools', namespace?: string): ToolDefinition[] {
  if (!Array.isArray(tools)) invalidField(field, 'an array of tools.');
  return tools.flatMap((tool, index): ToolDefinition[] => {
    const at = `${field}[${index}]`;
    if (!isObject(tool)) invalidField(at, 'a tool object.');
    const type = tool['type'];
    if (type === 'namespace' && namespace === undefined) {
      // A group of function tools (Codex's sub-agent tools): offered flat; calls name their namespace again.
      if (typeof tool['name'] !== 'string') invalidField(`${at}.name`, 'required.');
      return convertTools(tool['tools'], context, `${at}.tools`, tool['name']);
    }
    if (type !== 'function' && type !== 'custom') {
      // A hosted tool (web_search, file_search, ...) runs at OpenAI; no other vendor can serve it.
      // It is an offer, not content: the reply comes without it, and the omission is reported
      // in the x-openkoi-omitted-tools header rather than refusing the whole request.
      context.omittedTools.push(typeof tool['name'] === 'string' ? tool['name'] : String(type));
      return [];
    }
    if (typeof tool['name'] !== 'string' || tool['name'] === '') invalidField(`${at}.name`, 'required.');
    if (namespace !== undefined) context.namespaces.set(tool['name'], namespace);
    const description = typeof tool['description'] === 'string' ? tool['description'] : '';
    if (type === 'function') {
      return [{ name: tool['name'], description, inputSchema: isObject(tool['parameters']) ? tool['parameters'] : { type: 'object', properties: {} } }];
    }
    // A free-form tool (Codex's apply_patch): one string argument carries the raw text; its
    // grammar, when given, travels in the argument's description for the model to follow.
    context.customTools.add(tool['name']);
    const format = tool['format'];
    const grammar = isObject(format) && typeof format['definition'] === 'string' ? ` Follow this ${String(format['syntax'] ?? '')} grammar:\n${format['definition']}` : '';
    return [
      {
        name: tool['name'],
        description,
        inputSchema: {
          type: 'object',
          properties: { [CUSTOM_TOOL_ARGUMENT]: { type: 'string', description: `The raw input of the tool, as free text.${grammar}` } },
          required: [CUSTOM_TOOL_ARGUMENT],
          additionalProperties: false,
        },
      },
    ];
  });
}

function convertItems(items: unknown[]): Message[] {
  const converted: Message[] = [];
  const toolNames = new Map<string, string>();
  const assistantParts = (): AssistantPart[] => {
    const last = converted.at(-1);
    if (last?.role === 'assistant' && Array.isArray(last.content)) return last.content;
    const message = { role: 'assistant' as const, content: [] as AssistantPart[] };
    converted.push(message);
    return message.content;
  };
  const addResult = (part: ToolResultPart): void => {
    const last = converted.at(-1);
    if (last?.role === 'tool') last.content.push(part);
    else converted.push({ role: 'tool', content: [part] });
  };
  items.forEach((item, index) => {
    const field = `input[${index}]`;
    if (!isObject(item)) invalidField(field, 'an input item object.');
    const type = item['type'] ?? 'message';
    switch (type) {
      case 'message': {
        const role = item['role'];
        const content = item['content'];
        const text = typeof content === 'string' ? content : Array.isArray(content) ? textOfParts(content, `${field}.content`, ['input_text', 'output_text', 'text']) : invalidField(`${field}.content`, 'a string or content parts.');
        if (role === 'system' || role === 'developer') converted.push({ role: 'system', content: text });
        else if (role === 'user') converted.push({ role: 'user', content: text });
        else if (role === 'assistant') {
          if (text !== '') assistantParts().push({ type: 'text', text });
        } else invalidField(`${field}.role`, `"${String(role)}" is not supported (system, developer, user, assistant).`);
        return;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const callId = item['call_id'];
        const name = item['name'];
        if (typeof callId !== 'string' || typeof name !== 'string') invalidField(field, `${type} needs a call_id and a name.`);
        toolNames.set(callId, name);
        const input = type === 'function_call' ? parseToolArguments(item['arguments'], `${field}.arguments`) : { [CUSTOM_TOOL_ARGUMENT]: String(item['input'] ?? '') };
        assistantParts().push({ type: 'tool-call', toolCallId: callId, toolName: name, input });
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const callId = item['call_id'];
        if (typeof callId !== 'string') invalidField(`${field}.call_id`, 'required.');
        const output = item['output'];
        const text = typeof output === 'string' ? output : Array.isArray(output) ? textOfParts(output, `${field}.output`, ['input_text', 'output_text', 'text']) : invalidField(`${field}.output`, 'a string or text parts.');
        addResult({ type: 'tool-result', toolCallId: callId, toolName: toolNames.get(callId) ?? '', output: text });
        return;
      }
      case 'reasoning': {
        const sealed = openReasoning(item['encrypted_content']);
        if (sealed) assistantParts().push(reasoningPartOf(reasoningTextOf(item['summary']), sealed));
        return;
      }
      default:
        invalidField(`${field}.type`, `"${String(type)}" items are not supported by the gateway.`);
    }
  });
  return converted;
}

/** The text of a reasoning item's summary parts, as the gateway wrote them. */
function reasoningTextOf(summary: unknown): string {
  if (!Array.isArray(summary)) return '';
  return summary.map((part) => (isObject(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
}
