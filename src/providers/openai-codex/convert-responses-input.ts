import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
import { textOf, type Message } from '../../model/message.js';
import type { ToolDefinition } from '../../model/tool-definition.js';

/** Used when a request has no system message: the Codex backend rejects a request without instructions. */
export const FALLBACK_INSTRUCTIONS = 'You are a helpful assistant.';

/**
 * Our messages → the Responses API's `instructions` (the system messages, joined) and `input`
 * (always a list: the Codex backend rejects a plain string). Tool calls and their results become
 * `function_call` / `function_call_output` items paired by `call_id`.
 */
export function convertResponsesInput(messages: readonly Message[]): { instructions: string; input: ResponseInputItem[] } {
  const system: string[] = [];
  const input: ResponseInputItem[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: textOf(message.content) }] });
        break;
      case 'assistant': {
        const parts = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
        const text = textOf(parts);
        if (text !== '') input.push({ type: 'message', role: 'assistant', content: text });
        for (const part of parts) {
          if (part.type !== 'tool-call') continue;
          input.push({
            type: 'function_call',
            call_id: part.toolCallId,
            name: part.toolName,
            arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}),
          });
        }
        break;
      }
      case 'tool':
        for (const part of message.content) {
          // No error flag on the wire: the prefix keeps a failure from reading as an answer.
          input.push({ type: 'function_call_output', call_id: part.toolCallId, output: part.isError ? `Error: ${part.output}` : part.output });
        }
        break;
    }
  }
  const instructions = system.join('\n\n').trim();
  return { instructions: instructions === '' ? FALLBACK_INSTRUCTIONS : instructions, input };
}

export function convertResponsesTools(tools: readonly ToolDefinition[]): FunctionTool[] {
  return tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.inputSchema as Record<string, unknown>, strict: false }));
}
