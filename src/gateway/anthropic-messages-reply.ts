import type { FinishReason } from '../model/finish-reason.js';
import type { Usage } from '../model/usage.js';
import type { GatewayChatResponse } from '../routing/model-gateway.js';
import { renderClientError, type GatewayRequestError } from './client-error.js';
import type { ReplySink } from './reply-sink.js';
import type { SseWriter } from './sse-writer.js';
import { randomId } from './translate-helpers.js';

const STOP_REASON: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

/** openkoi usage as Anthropic counts it: cache reads and writes outside `input_tokens`. */
export function anthropicUsageOf(usage: Usage): Record<string, number> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
  };
}

export function anthropicMessageOf(response: GatewayChatResponse, model: string): Record<string, unknown> {
  return {
    id: randomId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content: response.content.map((part) =>
      part.type === 'text' ? { type: 'text', text: part.text } : { type: 'tool_use', id: part.toolCallId, name: part.toolName, input: part.input ?? {} },
    ),
    stop_reason: STOP_REASON[response.finishReason],
    stop_sequence: null,
    usage: anthropicUsageOf(response.usage),
  };
}

/** A streamed reply as Anthropic's events: message_start, content blocks, message_delta, message_stop. */
export class AnthropicEventSink implements ReplySink {
  private nextIndex = 0;
  private open: { index: number; kind: 'text' | 'tool'; toolCallId?: string } | undefined;
  private readonly toolsSent = new Set<string>();
  private started = false;
  private stopReason = 'end_turn';
  private finalUsage: Usage | undefined;

  constructor(
    private readonly sse: SseWriter,
    private readonly model: string,
  ) {}

  text(delta: string): void {
    if (this.open?.kind !== 'text') this.startBlock('text', { type: 'text', text: '' });
    this.event('content_block_delta', { index: this.open!.index, delta: { type: 'text_delta', text: delta } });
  }

  toolInputDelta(toolCallId: string, toolName: string, delta: string): void {
    if (this.open?.toolCallId !== toolCallId) {
      if (this.toolsSent.has(toolCallId)) return;
      this.startBlock('tool', { type: 'tool_use', id: toolCallId, name: toolName, input: {} }, toolCallId);
    }
    this.event('content_block_delta', { index: this.open!.index, delta: { type: 'input_json_delta', partial_json: delta } });
  }

  toolCall(toolCallId: string, toolName: string, input: unknown): void {
    if (this.toolsSent.has(toolCallId) && this.open?.toolCallId !== toolCallId) return;
    if (this.open?.toolCallId !== toolCallId) {
      this.startBlock('tool', { type: 'tool_use', id: toolCallId, name: toolName, input: {} }, toolCallId);
      this.event('content_block_delta', { index: this.open!.index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input ?? {}) } });
    }
    this.closeBlock();
  }

  usage(usage: Usage): void {
    this.finalUsage = usage;
  }

  finish(reason: FinishReason): void {
    this.stopReason = STOP_REASON[reason];
  }

  fail(error: GatewayRequestError): void {
    this.ensureStarted();
    this.closeBlock();
    this.sse.send(renderClientError('anthropic', error).body, 'error');
    this.failed = true;
  }

  private failed = false;

  end(): void {
    if (!this.failed) {
      this.ensureStarted();
      this.closeBlock();
      const usage = this.finalUsage ? anthropicUsageOf(this.finalUsage) : { output_tokens: 0 };
      this.event('message_delta', { delta: { stop_reason: this.stopReason, stop_sequence: null }, usage });
      this.event('message_stop', {});
    }
    this.sse.end();
  }

  private ensureStarted(): void {
    if (this.started) return;
    this.started = true;
    // Input tokens are known only when the vendor reports usage; they follow in message_delta.
    this.event('message_start', {
      message: { id: randomId('msg_'), type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
    });
  }

  private startBlock(kind: 'text' | 'tool', block: Record<string, unknown>, toolCallId?: string): void {
    this.ensureStarted();
    this.closeBlock();
    this.open = { index: this.nextIndex++, kind, ...(toolCallId ? { toolCallId } : {}) };
    if (toolCallId) this.toolsSent.add(toolCallId);
    this.event('content_block_start', { index: this.open.index, content_block: block });
  }

  private closeBlock(): void {
    if (!this.open) return;
    this.event('content_block_stop', { index: this.open.index });
    this.open = undefined;
  }

  private event(type: string, data: Record<string, unknown>): void {
    this.sse.send({ type, ...data }, type);
  }
}
