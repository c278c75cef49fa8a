import type { FinishReason } from '../model/finish-reason.js';
import type { Usage } from '../model/usage.js';
import type { GatewayChatResponse } from '../routing/model-gateway.js';
import { renderClientError, type GatewayRequestError } from './client-error.js';
import type { ReplySink } from './reply-sink.js';
import type { SseWriter } from './sse-writer.js';
import { randomId } from './translate-helpers.js';
import { ZERO_USAGE } from './zero-usage.js';

const FINISH_REASON: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

/** openkoi usage as OpenAI counts it: cached tokens inside `prompt_tokens`, reasoning inside completion. */
export function openAIUsageOf(reported: Usage | undefined): Record<string, unknown> {
  const usage: Usage = reported ?? ZERO_USAGE;
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/** A whole reply as a `chat.completion`. `model` is the name the client asked for. */
export function chatCompletionOf(response: GatewayChatResponse, model: string): Record<string, unknown> {
  const toolCalls = response.toolCalls.map((call) => ({
    id: call.toolCallId,
    type: 'function',
    function: { name: call.toolName, arguments: JSON.stringify(call.input ?? {}) },
  }));
  return {
    id: randomId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: response.text === '' && toolCalls.length > 0 ? null : response.text, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: FINISH_REASON[response.finishReason],
        logprobs: null,
      },
    ],
    usage: openAIUsageOf(response.usage),
  };
}

/** A streamed reply as `chat.completion.chunk` events, then `[DONE]`. */
export class ChatCompletionChunkSink implements ReplySink {
  private readonly id = randomId('chatcmpl-');
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly toolIndex = new Map<string, number>();
  private readonly toolStreamed = new Set<string>();
  private roleSent = false;
  private finalUsage: Usage | undefined;

  constructor(
    private readonly sse: SseWriter,
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  text(delta: string): void {
    this.chunk({ content: delta });
  }

  toolInputDelta(toolCallId: string, toolName: string, delta: string): void {
    const index = this.openTool(toolCallId, toolName);
    this.toolStreamed.add(toolCallId);
    this.chunk({ tool_calls: [{ index, function: { arguments: delta } }] });
  }

  toolCall(toolCallId: string, toolName: string, input: unknown): void {
    const index = this.openTool(toolCallId, toolName);
    if (!this.toolStreamed.has(toolCallId)) this.chunk({ tool_calls: [{ index, function: { arguments: JSON.stringify(input ?? {}) } }] });
    this.toolStreamed.add(toolCallId);
  }

  // Chat Completions has no standard field for reasoning (DeepSeek's `reasoning_content` is one
  // vendor's): it is not sent to these clients, and so cannot come back from them either.
  reasoningDelta(): void {}

  reasoningEnd(): void {}

  usage(usage: Usage): void {
    this.finalUsage = usage;
  }

  finish(reason: FinishReason): void {
    this.chunk({}, FINISH_REASON[reason]);
  }

  fail(error: GatewayRequestError): void {
    // The openai SDK raises an APIError for a stream event carrying `error`.
    this.sse.send(renderClientError('openai', error).body);
  }

  end(): void {
    if (this.includeUsage && this.finalUsage) {
      this.sse.send({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: openAIUsageOf(this.finalUsage) });
    }
    this.sse.send('[DONE]');
    this.sse.end();
  }

  private openTool(toolCallId: string, toolName: string): number {
    let index = this.toolIndex.get(toolCallId);
    if (index === undefined) {
      index = this.toolIndex.size;
      this.toolIndex.set(toolCallId, index);
      this.chunk({ tool_calls: [{ index, id: toolCallId, type: 'function', function: { name: toolName, arguments: '' } }] });
    }
    return index;
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): void {
    if (!this.roleSent) {
      this.roleSent = true;
      delta = { role: 'assistant', ...delta };
    }
    this.sse.send({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
  }
}
