import type { FinishReason } from '../model/finish-reason.js';
import type { Usage } from '../model/usage.js';
import type { GatewayChatResponse } from '../routing/model-gateway.js';
import { renderClientError, type GatewayRequestError } from './client-error.js';
import { sealReasoning } from './reasoning-envelope.js';
import type { ReasoningProof, ReplySink } from './reply-sink.js';
import type { SseWriter } from './sse-writer.js';
import { randomId } from './translate-helpers.js';
import { ZERO_USAGE } from './zero-usage.js';

const STOP_REASON: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

/** openkoi usage as Anthropic counts it: cache reads and writes outside `input_tokens`. */
/** Usage the vendor did not report is sent as zeros: clients of the wire format need numbers (the usage row says unknown). */
export function anthropicUsageOf(reported: Usage | undefined): Record<string, number> {
  const usage: Usage = reported ?? ZERO_USAGE;
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
    content: response.content.flatMap((part): Array<Record<string, unknown>> => {
      if (part.type === 'text') return [{ type: 'text', text: part.text }];
      if (part.type === 'reasoning') {
        if (part.provider === undefined) return [];
        const proof = thinkingProof(part.provider, part);
        return part.encrypted !== undefined && part.text === '' ? [{ type: 'redacted_thinking', data: proof }] : [{ type: 'thinking', thinking: part.text, signature: proof }];
      }
      return [{ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: part.input ?? {} }];
    }),
    stop_reason: STOP_REASON[response.finishReason],
    stop_sequence: null,
    usage: anthropicUsageOf(response.usage),
  };
}

/**
 * What goes in a thinking block's signature (or a redacted block's data): Anthropic's own proof
 * untouched, so its thinking round-trips byte for byte; another vendor's reasoning sealed with the
 * name of its provider, so the client's next request can give it back to that vendor.
 */
function thinkingProof(provider: string, proof: ReasoningProof): string {
  if (provider === 'anthropic') return proof.encrypted ?? proof.signature ?? '';
  return sealReasoning({ ...proof, provider });
}

/** A streamed reply as Anthropic's events: message_start, content blocks, message_delta, message_stop. */
export class AnthropicEventSink implements ReplySink {
  private nextIndex = 0;
  private open: { index: number; kind: 'text' | 'tool' | 'thinking'; toolCallId?: string; reasoningId?: string } | undefined;
  /** Reasoning blocks already written: a late end for one closed early (text came first) is dropped. */
  private readonly reasoningSent = new Set<string>();
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

  reasoningDelta(id: string, text: string): void {
    if (this.open?.reasoningId !== id) {
      if (this.reasoningSent.has(id)) return;
      this.startThinking(id);
    }
    this.event('content_block_delta', { index: this.open!.index, delta: { type: 'thinking_delta', thinking: text } });
  }

  reasoningEnd(id: string, proof: ReasoningProof, provider: string): void {
    if (provider === '') return;
    const value = thinkingProof(provider, proof);
    if (this.open?.reasoningId !== id) {
      if (this.reasoningSent.has(id)) return;
      // A block with no text: Anthropic's redacted thinking, or a proof alone (a Gemini signature).
      if (proof.encrypted !== undefined) {
        this.startBlock('thinking', { type: 'redacted_thinking', data: value });
        this.reasoningSent.add(id);
        this.closeBlock();
        return;
      }
      this.startThinking(id);
    }
    if (value !== '') this.event('content_block_delta', { index: this.open!.index, delta: { type: 'signature_delta', signature: value } });
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

  private startThinking(id: string): void {
    this.startBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
    this.open!.reasoningId = id;
    this.reasoningSent.add(id);
  }

  private startBlock(kind: 'text' | 'tool' | 'thinking', block: Record<string, unknown>, toolCallId?: string): void {
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
