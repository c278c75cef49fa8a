import type OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { AssistantPart } from '../../model/content-part.js';
import type { StreamEvent } from '../../model/stream-event.js';
import { withEmbeddingUsage } from '../../model/embedding-usage.js';
import { emptyUsage, type Usage } from '../../model/usage.js';
import { buildChatResponse, type MappedFinishReason } from '../build-chat-response.js';
import type { CallDeadline } from '../call-deadline.js';
import { readVendorError, type HttpErrorContext } from '../classify-http-error.js';
import { classifySdkError } from '../classify-sdk-error.js';
import type { CallOptions, EmbedOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';
import { redactSecrets } from '../redact-secrets.js';
import { ReasoningBlocks } from '../reasoning-blocks.js';
import { runWithDeadline, streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import type { StreamProgress } from '../stream-progress.js';
import { WarnOnce } from '../warn-once.js';
import { openaiStreamErrorBody, providerErrorFromStreamError } from './classify-openai-stream-error.js';
import { convertOpenAIMessages, convertOpenAITools } from './convert-openai-messages.js';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { openaiCompatFor, type OpenAICompat } from './openai-compat.js';
import { reasoningFieldOf, splitOpenAIContent } from './split-openai-content.js';

export interface OpenAIChatAdapterOptions {
  /** Provider id in model references: `openai`, `groq`, `openrouter`, ... */
  id: string;
  /** Human name for messages: `OpenAI`, `Groq`, ... */
  name: string;
  apiKey: string | undefined;
  /** The environment variable the key comes from, named when it is missing. */
  apiKeyEnv?: string;
  /** Undefined: the SDK's own default, which honours `OPENAI_BASE_URL`. */
  baseURL?: string;
  defaultHeaders?: Record<string, string>;
  /** What the server takes and how it counts; default: the flags of `id` (openai-compat.ts). */
  compat?: OpenAICompat;
  /** A custom endpoint configured without a key: requests go without an Authorization header. */
  keyless?: boolean;
  /** Sees every reply's headers (quota telemetry: rate-limit headers); never fails a call. */
  onResponseHeaders?: (headers: Headers) => void;
}

// The SDK's timeout only covers the wait for response headers and would cut long generations;
// CallDeadline enforces the idle timeout we want, so the SDK's is set far out of the way
// (one day: a positive integer well inside setTimeout's range, as the SDK requires).
const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
  emitted: boolean;
}

/**
 * The OpenAI Chat Completions wire API through the official `openai` SDK. Vendor-agnostic: the
 * same class serves OpenAI and every compatible server (groq, openrouter, together, deepseek,
 * xai, Ollama's /v1, vLLM, ...) with another id, name and base URL.
 */
export class OpenAIChatAdapter implements ModelProvider {
  readonly id: string;
  readonly name: string;
  private readonly apiKey: string | undefined;
  private readonly apiKeyEnv: string;
  private readonly baseURL: string | undefined;
  private readonly defaultHeaders: Record<string, string> | undefined;
  private readonly compat: OpenAICompat;
  private readonly keyless: boolean;
  private readonly warnings = new WarnOnce();
  private readonly onResponseHeaders: ((headers: Headers) => void) | undefined;
  private client: OpenAI | undefined;

  constructor(options: OpenAIChatAdapterOptions) {
    this.id = options.id;
    this.name = options.name;
    this.apiKey = options.apiKey;
    this.apiKeyEnv = options.apiKeyEnv ?? 'OPENAI_API_KEY';
    this.baseURL = options.baseURL;
    this.defaultHeaders = options.defaultHeaders;
    this.compat = options.compat ?? openaiCompatFor(options.id);
    this.keyless = options.keyless === true;
    this.onResponseHeaders = options.onResponseHeaders;
  }

  async models(): Promise<ModelInfo[]> {
    return runWithDeadline(this.deadlineSetup(undefined, {}), async (client, { signal }) => {
      const result: ModelInfo[] = [];
      for await (const model of client.models.list({ signal })) {
        const isEmbedding = model.id.includes('embedding');
        result.push({ id: model.id, capabilities: isEmbedding ? ['embeddings'] : ['chat', 'tools'] });
      }
      return result;
    });
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return runWithDeadline(this.deadlineSetup(request.model, options), async (client, { signal }) => {
      const { body: requestBody, warnings } = this.requestBody(request);
      const body: ChatCompletionCreateParamsNonStreaming = { ...requestBody, stream: false };
      const completion = await client.chat.completions.create(body, { signal });
      return { ...this.toChatResponse(completion, request.model), warnings };
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (client, deadline, progress) =>
      this.streamEvents(client, request, deadline, progress),
    );
  }

  private async *streamEvents(client: OpenAI, request: ChatRequest, deadline: CallDeadline, progress: StreamProgress): AsyncGenerator<StreamEvent> {
    const { body: requestBody, warnings } = this.requestBody(request);
    const body: ChatCompletionCreateParamsStreaming = {
      ...requestBody,
      stream: true,
      ...(this.compat.streamUsageOption ? { stream_options: { include_usage: true } } : {}),
    };
    for (const message of warnings) yield { type: 'warning', message };
    const stream = await client.chat.completions.create(body, { signal: deadline.signal });
    deadline.touch();

    let metadataSent = false;
    let finish: MappedFinishReason | undefined;
    let usage: Usage | undefined;
    let refusal = '';
    const reasoning = new ReasoningBlocks();
    const toolCalls = new Map<number, PendingToolCall>();

    for await (const chunk of stream) {
      deadline.touch();
      if (!metadataSent && (chunk.model || chunk.id)) {
        metadataSent = true;
        yield { type: 'response-metadata', responseModel: chunk.model || undefined, responseId: chunk.id || undefined };
      }
      // OpenAI sends usage once, in a last chunk with no choices; some compatible servers put
      // it on the finish chunk or repeat a running total on every chunk. Keeping the latest
      // covers all three, and it is emitted once, at the end.
      // Moonshot puts usage on the choice of the finishing chunk instead.
      const chunkUsage = chunk.usage ?? (chunk.choices?.[0] as { usage?: ChatCompletionChunk['usage'] } | undefined)?.usage;
      if (chunkUsage) {
        usage = convertOpenAIUsage(chunkUsage, this.compat);
        progress.usage = usage;
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      // `content` may be a list of text and thinking parts (Magistral and other compatible servers).
      const { text, reasoning: contentReasoning } = splitOpenAIContent(delta.content);
      yield* reasoning.delta(reasoningFieldOf(delta) + contentReasoning);
      if (text !== '') {
        yield* reasoning.end();
        yield { type: 'text-delta', text };
      }
      // A refusal is not the answer: it is reported as a refusal, with the model's explanation.
      if (typeof delta.refusal === 'string' && delta.refusal !== '') {
        refusal += delta.refusal;
        yield { type: 'refusal', text: delta.refusal };
      }
      if ((delta.tool_calls ?? []).length > 0) yield* reasoning.end();
      for (const fragment of delta.tool_calls ?? []) {
        const pending = pendingToolCall(toolCalls, fragment);
        const argumentsDelta = fragment.function?.arguments;
        if (typeof argumentsDelta === 'string' && argumentsDelta !== '') {
          pending.arguments += argumentsDelta;
          yield { type: 'tool-input-delta', toolCallId: pending.id, toolName: pending.name, delta: argumentsDelta };
        }
      }
      if (choice.finish_reason) {
        finish ??= mapOpenAIFinishReason(choice.finish_reason);
        yield* completedToolCalls(toolCalls);
      }
    }

    // The SDK ends its iteration quietly when the request's signal aborts (idle deadline or
    // caller), so an abort is detected here rather than caught.
    if (deadline.signal.aborted) throw new Error('the stream was aborted before it finished');
    if (!finish) {
      // A truncated reply must never look complete: no finish_reason means the stream was cut.
      throw new ProviderError(
        `${this.name} stream for ${this.id}/${request.model} ended before the reply was complete (no finish_reason)`,
        { kind: 'network', provider: this.id, model: request.model },
      );
    }
    yield* reasoning.end();
    yield* completedToolCalls(toolCalls);
    // Servers that ignore stream_options.include_usage send none: then no usage event at all,
    // rather than a zero that would read as a free call.
    if (usage) yield { type: 'usage', usage };
    // OpenAI ends a refusal with finish_reason "stop"; it is a refusal all the same.
    const finishReason = refusal !== '' ? 'content-filter' : finish.finishReason;
    yield { type: 'finish', finishReason, rawFinishReason: finish.rawFinishReason };
  }

  async embed(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return runWithDeadline(this.deadlineSetup(options.model, options), async (client, { signal }) => {
      // base64 is asked for explicitly (it is also the SDK's default) so the SDK hands the data
      // back untouched: the SDK's own decoding breaks on compatible servers that ignore the
      // format and answer with plain float arrays; decodeEmbedding accepts both.
      const response = await client.embeddings.create({ model: options.model, input: texts, encoding_format: 'base64' }, { signal });
      const data = [...(response.data ?? [])].sort((left, right) => left.index - right.index);
      if (data.length !== texts.length) {
        throw new ProviderError(
          `${this.name} returned ${data.length} embeddings for ${texts.length} texts (${this.id}/${options.model})`,
          { kind: 'server', provider: this.id, model: options.model },
        );
      }
      const tokens = response.usage?.prompt_tokens;
      const vectors = data.map((item) => decodeEmbedding(item.embedding as unknown));
      return withEmbeddingUsage(vectors, typeof tokens === 'number' ? { inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } : undefined);
    });
  }

  /** The request as this server takes it, and a warning for each setting it does not take (once per model). */
  private requestBody(request: ChatRequest): { body: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>; warnings: string[] } {
    const compat = this.compat;
    const warnings: string[] = [];
    const unsupported = (setting: string, why: string) => {
      const message = `${setting} is not supported by ${this.name} (${this.id}/${request.model}); ${why}`;
      if (this.warnings.first(`${request.model}:${setting}`)) warnings.push(message);
    };
    const body: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'> = {
      model: request.model,
      messages: convertOpenAIMessages(request.messages, compat.reasoningContentBack ? { providerId: this.id } : undefined),
    };
    if (request.tools && request.tools.length > 0) body.tools = convertOpenAITools(request.tools);
    if (request.maxOutputTokens !== undefined) {
      if (compat.maxTokensField === 'max_tokens') body.max_tokens = request.maxOutputTokens;
      else body.max_completion_tokens = request.maxOutputTokens;
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;
    // The cache key is openkoi's own hint, not a user's setting: other servers just do not get it.
    if (request.promptCacheKey !== undefined && compat.promptCacheKey) body.prompt_cache_key = request.promptCacheKey;
    const effort = request.reasoning?.effort;
    if (effort !== undefined) {
      if (compat.reasoningEffort) body.reasoning_effort = effort;
      else unsupported('reasoning_effort', 'not sent');
    }
    if (request.reasoning?.budgetTokens !== undefined) unsupported('thinking_budget', 'the Chat Completions wire has no thinking budget (use reasoning_effort); not sent');
    return { body, warnings };
  }

  private toChatResponse(completion: ChatCompletion, model: string): ChatResponse {
    const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
    if (!choice) {
      // Some compatible servers answer HTTP 200 with an error body instead of a completion.
      const vendor = readVendorError(completion);
      throw new ProviderError(
        redactSecrets(`${this.name} sent a reply without choices for ${this.id}/${model}${vendor.message ? `: ${vendor.message}` : ''}`, [this.apiKey]),
        { kind: 'server', provider: this.id, model, vendorCode: vendor.code },
      );
    }
    const content: AssistantPart[] = [];
    const message = choice.message;
    // `content` may be a list of text and thinking parts (Magistral and other compatible servers).
    const { text, reasoning: contentReasoning } = splitOpenAIContent(message?.content);
    const reasoning = reasoningFieldOf(message) + contentReasoning;
    if (reasoning !== '') content.push({ type: 'reasoning', text: reasoning, provider: this.id });
    if (text !== '') content.push({ type: 'text', text });
    const refusal = typeof message?.refusal === 'string' && message.refusal !== '' ? message.refusal : undefined;
    for (const [index, call] of (message?.tool_calls ?? []).entries()) {
      if (call.type !== 'function') continue;
      content.push({
        type: 'tool-call',
        toolCallId: call.id || fallbackToolCallId(index),
        toolName: call.function.name,
        input: parseToolInput(call.function.arguments),
      });
    }
    const finish = mapOpenAIFinishReason(choice.finish_reason);
    return buildChatResponse({
      content,
      // A compatible server that reports no usage leaves it unknown, never a free call.
      usage: completion.usage ? convertOpenAIUsage(completion.usage, this.compat) : undefined,
      ...finish,
      // OpenAI ends a refusal with finish_reason "stop"; it is a refusal all the same.
      ...(refusal !== undefined ? { refusal, finishReason: 'content-filter' as const } : {}),
      responseModel: completion.model || undefined,
    });
  }

  private deadlineSetup(model: string | undefined, options: CallOptions): DeadlineCallSetup<OpenAI> {
    return { options, connect: () => this.getClient(), classify: (error, deadline) => this.classify(error, model, deadline) };
  }

  private classify(error: unknown, model: string | undefined, deadline: CallDeadline): ProviderError {
    const context: HttpErrorContext = { provider: this.id, providerName: this.name, model, secrets: [this.apiKey] };
    // Only a stream carries an error inside a 200 reply; other calls' errors never match.
    const streamErrorBody = openaiStreamErrorBody(error);
    if (streamErrorBody) return providerErrorFromStreamError(streamErrorBody, context, error);
    return classifySdkError(error, context, deadline);
  }

  private async getClient(): Promise<OpenAI> {
    if (!this.apiKey && !this.keyless) {
      throw new ProviderError(`${this.name} API key is missing: set ${this.apiKeyEnv} (openkoi status shows what was found).`, {
        kind: 'auth',
        provider: this.id,
      });
    }
    if (this.client) return this.client;
    // Imported here, not at the top: `openkoi --help` must not pay for loading the SDK.
    const { default: OpenAIClient } = await import('openai');
    this.client = new OpenAIClient({
      // The SDK insists on a key; a keyless endpoint gets a placeholder that is never sent (the
      // Authorization header is removed below).
      apiKey: this.apiKey ?? 'keyless',
      baseURL: this.baseURL,
      defaultHeaders: this.keyless && !this.apiKey ? { ...this.defaultHeaders, authorization: null } : this.defaultHeaders,
      // Routing owns retries: one call must never multiply into hidden ones.
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      // The SDK prints unparsable stream chunks to the console, which would tear through the
      // terminal UI; the failure reaches the user as a ProviderError instead. OPENAI_LOG still
      // turns the SDK's logging on for debugging.
      ...(process.env['OPENAI_LOG'] ? {} : { logLevel: 'off' as const }),
      // OPENAI_ORG_ID / OPENAI_PROJECT_ID belong to OpenAI; other vendors behind this wire API
      // must not receive them as headers.
      ...(this.id === 'openai' ? {} : { organization: null, project: null }),
      ...(this.onResponseHeaders ? { fetch: observingFetch(this.onResponseHeaders) } : {}),
    });
    return this.client;
  }
}

/**
 * The pending call a streamed fragment belongs to. Fragments are matched by `index`; a server
 * that omits it (some compatible ones do) starts a new call with each id it has not sent yet.
 */
function pendingToolCall(toolCalls: Map<number, PendingToolCall>, fragment: ChatCompletionChunk.Choice.Delta.ToolCall): PendingToolCall {
  let index: number;
  if (typeof fragment.index === 'number') index = fragment.index;
  else if (fragment.id && ![...toolCalls.values()].some((call) => call.id === fragment.id)) index = toolCalls.size;
  else index = Math.max(0, toolCalls.size - 1);
  let pending = toolCalls.get(index);
  if (!pending) {
    pending = { id: fragment.id || fallbackToolCallId(index), name: fragment.function?.name ?? '', arguments: '', emitted: false };
    toolCalls.set(index, pending);
  } else if (!pending.name && fragment.function?.name) {
    pending.name = fragment.function.name;
  }
  return pending;
}

function* completedToolCalls(toolCalls: Map<number, PendingToolCall>): Generator<StreamEvent> {
  const ordered = [...toolCalls.entries()].sort(([left], [right]) => left - right);
  for (const [, call] of ordered) {
    if (call.emitted) continue;
    call.emitted = true;
    yield { type: 'tool-call', toolCallId: call.id, toolName: call.name, input: parseToolInput(call.arguments) };
  }
}

/**
 * Tool-call arguments → the tool's input. Arguments that are not valid JSON do not fail the call:
 * the reply (and its usage) is real, and the model can correct itself if told. The raw string is
 * kept as `input`; the tool layer validates input against the tool's schema anyway, so it reports
 * the string as invalid arguments to the model. Empty arguments mean a call without parameters.
 */
function parseToolInput(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Servers that send a tool call without an id still need one for the result to refer to. */
function fallbackToolCallId(index: number): string {
  return `call_${index}`;
}

/** A base64 string of little-endian float32 values (what we ask for), or a plain float array. */
function decodeEmbedding(embedding: unknown): Float32Array {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const result = new Float32Array(Math.floor(bytes.byteLength / 4));
    for (let index = 0; index < result.length; index++) result[index] = view.getFloat32(index * 4, true);
    return result;
  }
  if (Array.isArray(embedding)) return Float32Array.from(embedding as number[]);
  throw new SyntaxError('could not parse an embedding: neither base64 nor an array of numbers');
}

/** fetch that shows each reply's headers to an observer (quota telemetry) and never fails because of it. */
function observingFetch(observe: (headers: Headers) => void): typeof fetch {
  return async (url, init) => {
    const response = await fetch(url, init);
    try {
      observe(response.headers);
    } catch {
      // Telemetry never fails a call.
    }
    return response;
  };
}
