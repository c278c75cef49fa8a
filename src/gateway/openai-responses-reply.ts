import type { FinishReason } from '../model/finish-reason.js';
import type { Usage } from '../model/usage.js';
import type { GatewayChatResponse } from '../routing/model-gateway.js';
import type { GatewayRequestError } from './client-error.js';
import { CUSTOM_TOOL_ARGUMENT, type TranslatedResponsesRequest } from './openai-responses-request.js';

/**
 * What the reply needs to know of the client's request: which tools are free-form, which sat in a
 * namespace, whether reasoning items carry their opaque content.
 */
export type ClientTools = Pick<TranslatedResponsesRequest, 'customTools' | 'namespaces' | 'includeReasoningContent'>;
import { sealReasoning } from './reasoning-envelope.js';
import type { ReasoningProof, ReplySink } from './reply-sink.js';
import type { SseWriter } from './sse-writer.js';
import { isObject, randomId } from './translate-helpers.js';
import { ZERO_USAGE } from './zero-usage.js';

type OutputItem = Record<string, unknown>;

export function responsesUsageOf(reported: Usage | undefined): Record<string, unknown> {
  const usage: Usage = reported ?? ZERO_USAGE;
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: input + usage.outputTokens,
  };
}

/** A custom tool's call carries its raw text in the one string argument; anything else is passed as JSON. */
function customInputOf(input: unknown): string {
  if (isObject(input) && typeof input[CUSTOM_TOOL_ARGUMENT] === 'string') return input[CUSTOM_TOOL_ARGUMENT];
  return typeof input === 'string' ? input : JSON.stringify(input ?? {});
}

function toolCallItem(toolCallId: string, toolName: string, input: unknown, tools: ClientTools, argumentsText?: string): OutputItem {
  if (tools.customTools.has(toolName)) return { type: 'custom_tool_call', id: randomId('ctc_'), call_id: toolCallId, name: toolName, input: customInputOf(input), status: 'completed' };
  return functionCallItem(randomId('fc_'), toolCallId, toolName, argumentsText ?? JSON.stringify(input ?? {}), 'completed', tools);
}

function functionCallItem(id: string, callId: string, name: string, argumentsText: string, status: string, tools: ClientTools): OutputItem {
  const namespace = tools.namespaces.get(name);
  return { type: 'function_call', id, call_id: callId, name, ...(namespace !== undefined ? { namespace } : {}), arguments: argumentsText, status };
}

/**
 * Reasoning as a Responses reasoning item: the vendor's reasoning text as its summary, and, when the
 * client asked for `reasoning.encrypted_content`, the gateway's envelope naming the vendor and its
 * proof, which brings the reasoning back to that vendor on the client's next request.
 */
function reasoningItem(id: string, text: string, provider: string, proof: ReasoningProof, tools: ClientTools): OutputItem {
  return {
    type: 'reasoning',
    id,
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...(tools.includeReasoningContent && provider !== '' ? { encrypted_content: sealReasoning({ ...proof, provider }) } : {}),
  };
}

function messageItem(id: string, text: string, status: 'in_progress' | 'completed'): OutputItem {
  return { type: 'message', id, status, role: 'assistant', content: status === 'completed' ? [{ type: 'output_text', text, annotations: [] }] : [] };
}

interface ResponseShell {
  id: string;
  createdAt: number;
  model: string;
}

function responseObject(shell: ResponseShell, status: string, output: OutputItem[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status,
    model: shell.model,
    output,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: true,
    temperature: null,
    top_p: null,
    tool_choice: 'auto',
    tools: [],
    text: { format: { type: 'text' } },
    usage: null,
    ...extra,
  };
}

function statusOf(reason: FinishReason): { status: string; incomplete_details: unknown } {
  if (reason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content-filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** A whole reply as a Responses API `response`. */
export function responseOf(reply: GatewayChatResponse, model: string, tools: ClientTools): Record<string, unknown> {
  const output: OutputItem[] = [];
  for (const part of reply.content) {
    if (part.type === 'reasoning') {
      output.push(reasoningItem(randomId('rs_'), part.text, part.provider ?? '', part, tools));
      continue;
    }
    if (part.type === 'text') {
      const last = output.at(-1);
      if (last?.['type'] === 'message') ((last['content'] as Array<{ text: string }>)[0]!.text += part.text);
      else output.push(messageItem(randomId('msg_'), part.text, 'completed'));
    } else output.push(toolCallItem(part.toolCallId, part.toolName, part.input, tools));
  }
  return responseObject({ id: randomId('resp_'), createdAt: Math.floor(Date.now() / 1000), model }, 'completed', output, { ...statusOf(reply.finishReason), usage: responsesUsageOf(reply.usage) });
}

/**
 * A streamed reply as Responses events, in the order Codex CLI reads them: response.created,
 * then per output item output_item.added → deltas → done events → output_item.done, then
 * response.completed (or response.incomplete / response.failed) with the whole output and usage.
 */
export class ResponsesEventSink implements ReplySink {
  private readonly shell: ResponseShell;
  private readonly output: OutputItem[] = [];
  private sequence = 0;
  private started = false;
  private openMessage: { id: string; index: number; text: string } | undefined;
  private readonly openCalls = new Map<string, { id: string; index: number; name: string; argumentsText: string }>();
  private openReasoning: { reasoningId: string; id: string; index: number; text: string; provider: string } | undefined;
  /** Reasoning items already written: a late end for one closed early (text came first) is dropped. */
  private readonly reasoningSent = new Set<string>();
  private finishReason: FinishReason = 'stop';
  private finalUsage: Usage | undefined;
  private failed = false;

  constructor(
    private readonly sse: SseWriter,
    model: string,
    private readonly tools: ClientTools,
  ) {
    this.shell = { id: randomId('resp_'), createdAt: Math.floor(Date.now() / 1000), model };
  }

  text(delta: string): void {
    this.ensureStarted();
    this.closeReasoning({});
    if (!this.openMessage) {
      this.openMessage = { id: randomId('msg_'), index: this.output.length, text: '' };
      this.output.push(messageItem(this.openMessage.id, '', 'in_progress'));
      this.event('response.output_item.added', { output_index: this.openMessage.index, item: messageItem(this.openMessage.id, '', 'in_progress') });
      this.event('response.content_part.added', { item_id: this.openMessage.id, output_index: this.openMessage.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    }
    this.openMessage.text += delta;
    this.event('response.output_text.delta', { item_id: this.openMessage.id, output_index: this.openMessage.index, content_index: 0, delta, logprobs: [] });
  }

  toolInputDelta(toolCallId: string, toolName: string, delta: string): void {
    // A custom tool's input is the string inside the JSON arguments: it is sent whole, once known.
    if (this.tools.customTools.has(toolName)) return;
    const call = this.openCall(toolCallId, toolName);
    call.argumentsText += delta;
    this.event('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta });
  }

  toolCall(toolCallId: string, toolName: string, input: unknown): void {
    this.ensureStarted();
    this.closeReasoning({});
    this.closeMessage();
    if (this.tools.customTools.has(toolName)) {
      const item = toolCallItem(toolCallId, toolName, input, this.tools);
      const index = this.output.length;
      this.output.push(item);
      this.event('response.output_item.added', { output_index: index, item: { ...item, input: '', status: 'in_progress' } });
      this.event('response.custom_tool_call_input.delta', { item_id: item['id'], output_index: index, delta: item['input'] });
      this.event('response.custom_tool_call_input.done', { item_id: item['id'], output_index: index, input: item['input'] });
      this.event('response.output_item.done', { output_index: index, item });
      return;
    }
    const streamed = this.openCalls.has(toolCallId);
    const call = this.openCall(toolCallId, toolName);
    if (!streamed) {
      call.argumentsText = JSON.stringify(input ?? {});
      this.event('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta: call.argumentsText });
    }
    const item = functionCallItem(call.id, toolCallId, toolName, call.argumentsText, 'completed', this.tools);
    this.output[call.index] = item;
    this.openCalls.delete(toolCallId);
    this.event('response.function_call_arguments.done', { item_id: call.id, output_index: call.index, name: toolName, arguments: call.argumentsText });
    this.event('response.output_item.done', { output_index: call.index, item });
  }

  reasoningDelta(id: string, text: string, provider: string): void {
    if (this.openReasoning?.reasoningId !== id) {
      if (this.reasoningSent.has(id)) return;
      this.startReasoning(id, provider);
    }
    const open = this.openReasoning!;
    if (open.text === '') this.event('response.reasoning_summary_part.added', { item_id: open.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    open.text += text;
    this.event('response.reasoning_summary_text.delta', { item_id: open.id, output_index: open.index, summary_index: 0, delta: text });
  }

  reasoningEnd(id: string, proof: ReasoningProof, provider: string): void {
    if (this.openReasoning?.reasoningId !== id) {
      if (this.reasoningSent.has(id)) return;
      // A block with no text (redacted reasoning, a signature alone) is still an item.
      this.startReasoning(id, provider);
    }
    this.closeReasoning(proof);
  }

  usage(usage: Usage): void {
    this.finalUsage = usage;
  }

  finish(reason: FinishReason): void {
    this.finishReason = reason;
  }

  fail(error: GatewayRequestError): void {
    this.ensureStarted();
    this.failed = true;
    this.event('response.failed', {
      response: responseObject(this.shell, 'failed', this.output, {
        error: { code: error.kind === 'rate-limit' ? 'rate_limit_exceeded' : 'server_error', message: error.message },
        usage: this.finalUsage ? responsesUsageOf(this.finalUsage) : null,
      }),
    });
  }

  end(): void {
    if (!this.failed) {
      this.ensureStarted();
      this.closeReasoning({});
      this.closeMessage();
      const { status, incomplete_details } = statusOf(this.finishReason);
      this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', {
        response: responseObject(this.shell, status, this.output, { incomplete_details, usage: this.finalUsage ? responsesUsageOf(this.finalUsage) : null }),
      });
    }
    this.sse.end();
  }

  private ensureStarted(): void {
    if (this.started) return;
    this.started = true;
    this.event('response.created', { response: responseObject(this.shell, 'in_progress', []) });
    this.event('response.in_progress', { response: responseObject(this.shell, 'in_progress', []) });
  }

  private openCall(toolCallId: string, toolName: string): { id: string; index: number; name: string; argumentsText: string } {
    let call = this.openCalls.get(toolCallId);
    if (!call) {
      this.ensureStarted();
      this.closeReasoning({});
      this.closeMessage();
      call = { id: randomId('fc_'), index: this.output.length, name: toolName, argumentsText: '' };
      this.openCalls.set(toolCallId, call);
      const item = functionCallItem(call.id, toolCallId, toolName, '', 'in_progress', this.tools);
      this.output.push(item);
      this.event('response.output_item.added', { output_index: call.index, item });
    }
    return call;
  }

  private startReasoning(reasoningId: string, provider: string): void {
    this.ensureStarted();
    this.closeMessage();
    this.openReasoning = { reasoningId, id: randomId('rs_'), index: this.output.length, text: '', provider };
    this.reasoningSent.add(reasoningId);
    // The opaque content comes with the item's end, once the vendor's proof is known.
    const item = reasoningItem(this.openReasoning.id, '', '', {}, this.tools);
    this.output.push(item);
    this.event('response.output_item.added', { output_index: this.openReasoning.index, item });
  }

  private closeReasoning(proof: ReasoningProof): void {
    const open = this.openReasoning;
    if (!open) return;
    this.openReasoning = undefined;
    if (open.text !== '') {
      this.event('response.reasoning_summary_text.done', { item_id: open.id, output_index: open.index, summary_index: 0, text: open.text });
      this.event('response.reasoning_summary_part.done', { item_id: open.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: open.text } });
    }
    const item = reasoningItem(open.id, open.text, open.provider, proof, this.tools);
    this.output[open.index] = item;
    this.event('response.output_item.done', { output_index: open.index, item });
  }

  private closeMessage(): void {
    const message = this.openMessage;
    if (!message) return;
    this.openMessage = undefined;
    const item = messageItem(message.id, message.text, 'completed');
    this.output[message.index] = item;
    this.event('response.output_text.done', { item_id: message.id, output_index: message.index, content_index: 0, text: message.text, logprobs: [] });
    this.event('response.content_part.done', { item_id: message.id, output_index: message.index, content_index: 0, part: { type: 'output_text', text: message.text, annotations: [] } });
    this.event('response.output_item.done', { output_index: message.index, item });
  }

  private event(type: string, data: Record<string, unknown>): void {
    this.sse.send({ type, sequence_number: this.sequence++, ...data }, type);
  }
}
