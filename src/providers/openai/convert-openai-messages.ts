import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { textOf, type Message } from '../../model/message.js';
import type { ToolDefinition } from '../../model/tool-definition.js';

/**
 * Our messages → Chat Completions `messages`. User text goes as a plain string rather than an
 * array of parts: every OpenAI-compatible server accepts strings, not all accept part arrays.
 */
export function convertOpenAIMessages(messages: readonly Message[], reasoningBack?: { providerId: string }): ChatCompletionMessageParam[] {
  const result: ChatCompletionMessageParam[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        result.push({ role: 'system', content: message.content });
        break;
      case 'user':
        result.push({ role: 'user', content: textOf(message.content) });
        break;
      case 'assistant':
        result.push(convertAssistantMessage(message.content, reasoningBack));
        break;
      case 'tool':
        // Chat Completions wants one `tool` message per result, each naming the call it answers.
        for (const part of message.content) {
          result.push({
            role: 'tool',
            tool_call_id: part.toolCallId,
            // The wire has no error flag for tool results; without this prefix the model would
            // read a failure as an ordinary answer.
            content: part.isError ? `Error: ${part.output}` : part.output,
          });
        }
        break;
    }
  }
  return result;
}

function convertAssistantMessage(
  content: Extract<Message, { role: 'assistant' }>['content'],
  reasoningBack: { providerId: string } | undefined,
): ChatCompletionAssistantMessageParam {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text = textOf(content);
  // DeepSeek's thinking mode rejects a tool-call turn without the reasoning that led to it
  // ("must be passed back"); only reasoning this same provider produced goes back.
  const reasoning = reasoningBack
    ? content
        .filter((part) => part.type === 'reasoning' && part.provider === reasoningBack.providerId)
        .map((part) => (part.type === 'reasoning' ? part.text : ''))
        .join('')
    : '';
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const part of content) {
    if (part.type !== 'tool-call') continue;
    toolCalls.push({
      id: part.toolCallId,
      type: 'function',
      function: {
        name: part.toolName,
        // Arguments the model wrote as invalid JSON are kept as their raw string (see
        // openai-chat-adapter.ts); they go back verbatim so the model sees what it sent.
        arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}),
      },
    });
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  // An assistant turn that only calls tools carries `content: null`, as the API itself returns it.
  const message: ChatCompletionAssistantMessageParam = { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
  // `reasoning_content` is not in the SDK's request types: it is DeepSeek's and Moonshot's field.
  if (reasoning !== '') Object.assign(message, { reasoning_content: reasoning });
  return message;
}

export function convertOpenAITools(tools: readonly ToolDefinition[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}
