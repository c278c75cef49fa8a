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
      const message = await client.messages.create(this.requestBody(request), { signal: deadline.signal });
      return convertAnthropicResponse(message);
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (client, deadline) => this.streamEvents(client, request, deadline));
  }

  private async *streamEvents(client: Anthropic, request: ChatRequest, deadline: CallDeadline): AsyncGenerator<StreamEvent> {
    // Raw events rather than the MessageStream helper: every event, error and usage report
    // passes through here, and nothing is accumulated that we do not use.
    const stream = await client.messages.create({ ...this.requestBody(request), stream: true }, { signal: deadline.signal });
    deadline.touch();
    const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
    let usage: AnthropicUsageFields = {};
    let stopReason: string | undefined;
    let stopped = false;
    let startSeen = false;
    for await (const event of stream) {
      deadline.touch();
      switch (event.type) {
        case 'message_start':
          startSeen = true;
          usage = mergeAnthropicUsage(usage, event.message.usage);
          yield { type: 'response-metadata', responseModel: event.message.model, responseId: event.message.id };
          break;
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') {
            toolBlocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
          }
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') {
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
          usage = mergeAnthropicUsage(usage, event.usage);
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
    yield { type: 'usage', usage: convertAnthropicUsage(usage) };
    yield { type: 'finish', finishReason: mapAnthropicStopReason(stopReason), rawFinishReason: stopReason };
  }

  private requestBody(request: ChatRequest): MessageCreateParamsNonStreaming {
    const prompt = convertAnthropicPrompt(request);
    // `request.temperature` is not sent: the Messages API of this SDK version no longer has the
    // parameter (it was deprecated and removed from the request types).
    return {
      model: request.model,
      max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      messages: prompt.messages,
      ...(prompt.system ? { system: prompt.system } : {}),
      ...(prompt.tools ? { tools: prompt.tools } : {}),
    };
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
