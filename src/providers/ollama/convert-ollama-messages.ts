import type { Message as OllamaMessage, Tool as OllamaTool } from 'ollama';
import { textOf, type Message } from '../../model/message.js';
import type { ToolDefinition } from '../../model/tool-definition.js';

/**
 * Our messages → Ollama `/api/chat` messages. Ollama tool calls carry arguments as an object and
 * no id; a tool result names the tool it answers (`tool_name`), since there is no id to refer to.
 */
export function convertOllamaMessages(messages: readonly Message[]): OllamaMessage[] {
  const result: OllamaMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        result.push({ role: 'system', content: message.content });
        break;
      case 'user':
        result.push({ role: 'user', content: textOf(message.content) });
        break;
      case 'assistant': {
        if (typeof message.content === 'string') {
          result.push({ role: 'assistant', content: message.content });
          break;
        }
        const toolCalls = message.content.flatMap((part) =>
          part.type === 'tool-call' ? [{ function: { name: part.toolName, arguments: toolArguments(part.input) } }] : [],
        );
        result.push({ role: 'assistant', content: textOf(message.content), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
        break;
      }
      case 'tool':
        for (const part of message.content) {
          // No error flag on the wire: the prefix keeps a failure from reading as an answer.
          result.push({ role: 'tool', tool_name: part.toolName, content: part.isError ? `Error: ${part.output}` : part.output });
        }
        break;
    }
  }
  return result;
}

export function convertOllamaTools(tools: readonly ToolDefinition[]): OllamaTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema as OllamaTool['function']['parameters'] },
  }));
}

/** Ollama wants an object; input the model wrote as invalid JSON (kept as a string) is wrapped. */
function toolArguments(input: unknown): Record<string, unknown> {
  if (input && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  if (typeof input === 'string') {
    try {
      const parsed = JSON.parse(input) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through: sent back as the raw text so the model sees what it wrote
    }
    return { raw: input };
  }
  return {};
}
