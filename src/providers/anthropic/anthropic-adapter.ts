import type { Anthropic } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { StreamEvent } from '../../model/stream-event.js';
import type { CallDeadline } from '../call-deadline.js';
import type { HttpErrorContext } from '../classify-http-error.js';
import { classifySdkError } from '../classify-sdk-error.js';
import type { CallOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';
import { runWithDeadline, streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import { anthropicStreamErrorBody, providerErrorFromStreamEvent } from './classify-anthropic-stream-error.js';
import { convertAnthropicPrompt } from './convert-anthropic-messages.js';
import { convertAnthropicModelInfo } from './convert-anthropic-model-info.js';
import { convertAnthropicResponse } from './convert-anthropic-response.js';
import { convertAnthropicUsage, mergeAnthropicUsage, type AnthropicUsageFields } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { parseStreamedToolInput } from '../parse-streamed-tool-input.js';
import { ReasoningBlocks } from '../reasoning-blocks.js';
import type { StreamProgress } from '../stream-progress.js';
import { WarnOnce } from '../warn-once.js';
import { captureConsoleWarnings } from './capture-console-warnings.js';
import { refusalExplanation } from './refusal-explanation.js';

export interface AnthropicAdapterOptions {
  apiKey: string | undefined;
  /** Undefined: the SDK's own default, which honours `ANTHROPIC_BASE_URL`. */
  baseURL?: string;
}

/** The Messages API requires `max_tokens`; this is used when the request sets none. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

// CallDeadline enforces the real limit (idle time, caller abort). The SDK's own timeout is set far
// above it so that it never fires first, and so that the SDK does not refuse long non-streaming
// calls on its own estimate of their duration.
const SDK_TIMEOUT_MS = 60 * 60 * 1000;

/** Anthropic Messages through `@anthropic-ai/sdk`, authenticated with an API key only. */
export class AnthropicAdapter implements ModelProvider {
  readonly id = 'anthropic';
  readonly name = 'Anthropic';
  private client: Anthropic | undefined;
  private readonly warnings = new WarnOnce();

  constructor(private readonly options: AnthropicAdapterOptions) {}

  async models(): Promise<ModelInfo[]> {
    return runWithDeadline(this.deadlineSetup(undefined, {}), async (client, deadline) => {
      const models: ModelInfo[] = [];
      for await (const model of client.models.list({ limit: 1000 }, { signal: deadline.signal })) {
        deadline.touch();
        models.push(convertAnthropicModelInfo(model));
      }
      return models;
    });
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return runWithDeadline(this.deadlineSetup(request.model, options), async (client, deadline) => {
      const { body, warnings } = this.requestBody(request);
      const { value: pending, warnings: sdkWarnings } = captureConsoleWarnings(() => client.messages.create(body, { signal: deadline.signal }));
      const message = await pending;
      return { ...convertAnthropicResponse(message), warnings: [...warnings, ...this.sdkWarnings(request.model, sdkWarnings)] };
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (client, deadline, progress) =>
      this.streamEvents(client, request, deadline, progress),
    );
  }

  private async *streamEvents(client: Anthropic, request: ChatRequest, deadline: CallDeadline, progress: StreamProgress): AsyncGenerator<StreamEvent> {
    const { body, warnings } = this.requestBody(request);
    // Raw events rather than the MessageStream helper: every event, error and usage report
    // passes through here, and nothing is accumulated that we do not use.
    const { value: pending, warnings: sdkWarnings } = captureConsoleWarnings(() => client.messages.create({ ...body, stream: true }, { signal: deadline.signal }));
    for (const message of [...warnings, ...this.sdkWarnings(request.model, sdkWarnings)]) yield { type: 'warning', message };
    const stream = await pending;
    deadline.touch();
    const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
    const reasoning = new ReasoningBlocks();
    const thinkingBlocks = new Map<number, { signature: string | undefined; redacted: string | undefined }>();
    let usage: AnthropicUsageFields = {};
    let stopReason: string | undefined;
    let refusal: string | undefined;
    let stopped = false;
    let startSeen = false;
    for await (const event of stream) {
      deadline.touch();
      switch (event.type) {
        case 'message_start':
          startSeen = true;
          usage = mergeAnthropicUsage(usage, event.message.usage);
          // The input (and cache) counts are known from here on: a cut stream still bills them.
          progress.usage = convertAnthropicUsage(usage);
          yield { type: 'response-metadata', responseModel: event.message.model, responseId: event.message.id };
          break;
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') {
            toolBlocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
          } else if (event.content_block.type === 'thinking') {
            thinkingBlocks.set(event.index, { signature: event.content_block.signature || undefined, redacted: undefined });
            yield* reasoning.start();
            yield* reasoning.delta(event.content_block.thinking);
          } else if (event.content_block.type === 'redacted_thinking') {
            thinkingBlocks.set(event.index, { signature: undefined, redacted: event.content_block.data });
            yield* reasoning.start();
          }
          break;
        case 'content_block_delta':
          if (event.delta.type === 'thinking_delta') {
            yield* reasoning.delta(event.delta.thinking);
          } else if (event.delta.type === 'signature_delta') {
            const block = thinkingBlocks.get(event.index);
            if (block) block.signature = (block.signature ?? '') + event.delta.signature;
          } else if (event.delta.type === 'text_delta') {
            if (event.delta.text !== '') yield { type: 'text-delta', text: event.delta.text };
          } else if (event.delta.type === 'input_json_delta') {
            const block = toolBlocks.get(event.index);
            if (block && event.delta.partial_json !== '') {
              block.json += event.delta.partial_json;
              yield { type: 'tool-input-delta', toolCallId: block.id, toolName: block.name, delta: event.delta.partial_json };
            }
          }
          break;
        case 'content_block_stop': {
          const thinking = thinkingBlocks.get(event.index);
          if (thinking) {
            thinkingBlocks.delete(event.index);
            yield* reasoning.end({
              ...(thinking.signature !== undefined ? { signature: thinking.signature } : {}),
              ...(thinking.redacted !== undefined ? { encrypted: thinking.redacted } : {}),
            });
          }
          const block = toolBlocks.get(event.index);
          if (block) {
            toolBlocks.delete(event.index);
            // A tool without parameters streams no JSON at all.
            yield { type: 'tool-call', toolCallId: block.id, toolName: block.name, input: parseStreamedToolInput(block.json) };
          }
          break;
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          if (stopReason === 'refusal') refusal = refusalExplanation(event.delta.stop_details);
          usage = mergeAnthropicUsage(usage, event.usage);
          progress.usage = convertAnthropicUsage(usage);
          break;
        case 'message_stop':
          stopped = true;
          break;
      }
    }
    if (!stopped) {
      // What the vendor reported before the cut was billed: routing records it with the failure.
      if (startSeen) yield { type: 'usage', usage: convertAnthropicUsage(usage) };
      // The SDK ends iteration quietly when the connection is aborted (our deadline or the
      // caller) and the socket may simply close: either way a reply without message_stop is
      // incomplete. classifySdkError tells the timeout and the abort apart from a cut.
      throw new Error('the stream ended before message_stop');
    }
    if (refusal !== undefined) yield { type: 'refusal', text: refusal };
    yield { type: 'usage', usage: convertAnthropicUsage(usage) };
    yield { type: 'finish', finishReason: mapAnthropicStopReason(stopReason), rawFinishReason: stopReason };
  }

  /** The request as the Messages API takes it, and a warning for each setting it cannot take (once per model). */
  private requestBody(request: ChatRequest): { body: MessageCreateParamsNonStreaming; warnings: string[] } {
    const prompt = convertAnthropicPrompt(request);
    const warnings: string[] = [];
    const warn = (setting: string, message: string) => {
      if (this.warnings.first(`${request.model}:${setting}`)) warnings.push(message);
    };
    const budget = request.reasoning?.budgetTokens;
    let maxTokens = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    // The thinking budget is part of max_tokens, which must stay above it.
    if (budget !== undefined && maxTokens <= budget) maxTokens = budget + (request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS);
    const body: MessageCreateParamsNonStreaming = {
      model: request.model,
      max_tokens: maxTokens,
      messages: prompt.messages,
      ...(prompt.system ? { system: prompt.system } : {}),
      ...(prompt.tools ? { tools: prompt.tools } : {}),
      ...(budget !== undefined ? { thinking: { type: 'enabled', budget_tokens: budget } } : {}),
    };
    if (request.temperature !== undefined) {
      // Extended thinking does not take a temperature (the API answers 400).
      if (budget !== undefined) warn('temperature', `temperature is not supported by Anthropic with extended thinking (anthropic/${request.model}); not sent`);
      // The API takes `temperature`; this SDK version dropped it from its request types only.
      else Object.assign(body, { temperature: request.temperature });
    }
    if (request.reasoning?.effort !== undefined) {
      warn('reasoning_effort', `reasoning_effort is not supported by Anthropic (anthropic/${request.model}); set thinking_budget instead; not sent`);
    }
    return { body, warnings };
  }

  /** The SDK's console notices (a deprecated model) as our warnings, once per model. */
  private sdkWarnings(model: string, messages: string[]): string[] {
    return messages.filter((message) => this.warnings.first(`${model}:sdk:${message}`)).map((message) => `Anthropic SDK: ${message.split('\n')[0]}`);
  }

  private async getClient(model: string | undefined): Promise<Anthropic> {
    const apiKey = this.options.apiKey;
    if (!apiKey) {
      throw new ProviderError(
        'Anthropic needs an API key: set ANTHROPIC_API_KEY (Claude subscription sign-ins are not usable by openkoi).',
        { kind: 'auth', provider: this.id, model },
      );
    }
    if (this.client) return this.client;
    const { Anthropic: AnthropicClient } = await import('@anthropic-ai/sdk');
    this.client = new AnthropicClient({
      // Passing the key makes it the client's only credential: the SDK then reads neither
      // ANTHROPIC_AUTH_TOKEN nor its profile/OAuth credential chain, so no subscription token
      // can ever be sent in its place.
      apiKey,
      // This SDK version sends an API key as `Authorization: Bearer`, the scheme of OAuth tokens.
      // The API's documented scheme for a key is `x-api-key`; send that, and nothing in
      // `authorization` (a null here also removes one injected through ANTHROPIC_CUSTOM_HEADERS).
      defaultHeaders: { 'x-api-key': apiKey, authorization: null },
      ...(this.options.baseURL !== undefined ? { baseURL: this.options.baseURL } : {}),
      // Routing owns retries: one call here is one HTTP request.
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      // The SDK logs unparsable stream chunks to the console, over our terminal UI; the error
      // reaches the user through ProviderError instead. ANTHROPIC_LOG still turns logging on.
      ...(process.env['ANTHROPIC_LOG'] ? {} : { logLevel: 'off' as const }),
    });
    return this.client;
  }

  private deadlineSetup(model: string | undefined, options: CallOptions): DeadlineCallSetup<Anthropic> {
    return { options, connect: () => this.getClient(model), classify: (error, deadline) => this.classify(error, model, deadline) };
  }

  private classify(error: unknown, model: string | undefined, deadline: CallDeadline): ProviderError {
    const context: HttpErrorContext = {
      provider: this.id,
      providerName: this.name,
      model,
      secrets: [this.options.apiKey],
    };
    const streamErrorBody = anthropicStreamErrorBody(error);
    const classified = streamErrorBody === undefined ? error : providerErrorFromStreamEvent(streamErrorBody, context, error);
    return classifySdkError(classified, context, deadline);
  }
}
