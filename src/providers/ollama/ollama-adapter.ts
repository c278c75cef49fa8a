import type { ChatRequest as OllamaChatRequest, ChatResponse as OllamaChatResponse, Ollama, ToolCall as OllamaToolCall } from 'ollama';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { AssistantPart, ToolCallPart } from '../../model/content-part.js';
import type { StreamEvent } from '../../model/stream-event.js';
import { buildChatResponse } from '../build-chat-response.js';
import type { CallDeadline } from '../call-deadline.js';
import type { CallOptions, EmbedOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';
import { ReasoningBlocks } from '../reasoning-blocks.js';
import { runWithDeadline, streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import { classifyOllamaError } from './classify-ollama-error.js';
import { convertOllamaMessages, convertOllamaTools } from './convert-ollama-messages.js';
import { convertOllamaUsage } from './convert-ollama-usage.js';
import { createOllamaFetch, type OllamaCallState } from './create-ollama-fetch.js';
import { mapOllamaDoneReason } from './map-ollama-done-reason.js';
import { resolveOllamaHost, splitOllamaCredentials } from './ollama-host.js';

export interface OllamaAdapterOptions {
  /** Provider id in model references (`ollama`). */
  id?: string;
  name?: string;
  /** OLLAMA_HOST syntax (`host:port`, a URL, ...); default http://127.0.0.1:11434. */
  host?: string;
}

type OllamaConstructor = new (config: { host: string; fetch: typeof fetch; headers?: Record<string, string> }) => Ollama;

/**
 * Ollama's REST API (`/api/chat` NDJSON streaming, `/api/embed`, `/api/tags`) through the
 * official `ollama` client. The client never retries on its own, so there is nothing to switch
 * off. A client is made per call, because the fetch it is given carries that call's deadline
 * (see create-ollama-fetch.ts); construction is a few field assignments.
 */
export class OllamaAdapter implements ModelProvider {
  readonly id: string;
  readonly name: string;
  /** Where requests go, without any userinfo (that travels as `authorization`): safe to show. */
  readonly host: string;
  private readonly authorization: string | undefined;

  constructor(options: OllamaAdapterOptions = {}) {
    this.id = options.id ?? 'ollama';
    this.name = options.name ?? 'Ollama';
    const { host, authorization } = splitOllamaCredentials(resolveOllamaHost(options.host));
    this.host = host;
    this.authorization = authorization;
  }

  async models(): Promise<ModelInfo[]> {
    return runWithDeadline(this.deadlineSetup(undefined, {}), async (client) => {
      const list = await client.list();
      return (list.models ?? []).map((model) => ({
        id: model.name,
        capabilities: /embed|bert/i.test(`${model.name} ${model.details?.family ?? ''}`) ? ['embeddings'] : ['chat', 'tools'],
      }));
    });
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return runWithDeadline(this.deadlineSetup(request.model, options), async (client) => {
      const response = await client.chat({ ...this.requestBody(request), stream: false });
      return this.toChatResponse(response);
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (client, deadline) => this.streamEvents(client, request, deadline));
  }

  private async *streamEvents(client: Ollama, request: ChatRequest, deadline: CallDeadline): AsyncGenerator<StreamEvent> {
    const stream = await client.chat({ ...this.requestBody(request), stream: true });
    const reasoning = new ReasoningBlocks();
    let metadataSent = false;
    let toolCallCount = 0;
    let last: OllamaChatResponse | undefined;
    for await (const chunk of stream) {
      deadline.touch();
      if (!metadataSent && chunk.model) {
        metadataSent = true;
        yield { type: 'response-metadata', responseModel: chunk.model };
      }
      // A thinking model's reasoning arrives in `message.thinking`, before the answer.
      const thinking = chunk.message?.thinking;
      if (typeof thinking === 'string') yield* reasoning.delta(thinking);
      const text = chunk.message?.content;
      if (typeof text === 'string' && text !== '') {
        yield* reasoning.end();
        yield { type: 'text-delta', text };
      }
      if ((chunk.message?.tool_calls ?? []).length > 0) yield* reasoning.end();
      // Ollama sends each tool call whole, in one chunk, never as fragments.
      for (const call of chunk.message?.tool_calls ?? []) yield { type: 'tool-call', ...toolCallPart(call, toolCallCount++) };
      if (chunk.done) last = chunk;
    }
    // The client's iterator throws when the stream ends without `done`; this covers an abort
    // that ended the body quietly.
    if (!last) throw new Error('the stream was aborted before it finished');
    const finish = mapOllamaDoneReason(last.done_reason, toolCallCount > 0);
    yield* reasoning.end();
    yield { type: 'usage', usage: convertOllamaUsage(last) };
    yield { type: 'finish', finishReason: finish.finishReason, rawFinishReason: finish.rawFinishReason };
  }

  async embed(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return runWithDeadline(this.deadlineSetup(options.model, options), async (client) => {
      const response = await client.embed({ model: options.model, input: texts });
      const embeddings = response.embeddings ?? [];
      if (embeddings.length !== texts.length) {
        throw new ProviderError(`${this.name} returned ${embeddings.length} embeddings for ${texts.length} texts (${this.id}/${options.model})`, {
          kind: 'server', provider: this.id, model: options.model,
        });
      }
      return embeddings.map((vector) => Float32Array.from(vector));
    });
  }

  private requestBody(request: ChatRequest): OllamaChatRequest {
    const body: OllamaChatRequest = { model: request.model, messages: convertOllamaMessages(request.messages) };
    if (request.tools && request.tools.length > 0) body.tools = convertOllamaTools(request.tools);
    const generation: NonNullable<OllamaChatRequest['options']> = {};
    if (request.maxOutputTokens !== undefined) generation.num_predict = request.maxOutputTokens;
    if (request.temperature !== undefined) generation.temperature = request.temperature;
    if (Object.keys(generation).length > 0) body.options = generation;
    return body;
  }

  private toChatResponse(response: OllamaChatResponse): ChatResponse {
    if (!response || typeof response !== 'object' || !response.message) {
      throw new SyntaxError('could not parse the reply: no message');
    }
    const text = response.message.content ?? '';
    const content: AssistantPart[] = [];
    if (response.message.thinking) content.push({ type: 'reasoning', text: response.message.thinking, provider: this.id });
    if (text !== '') content.push({ type: 'text', text });
    const toolCalls = (response.message.tool_calls ?? []).map((call, index): ToolCallPart => ({ type: 'tool-call', ...toolCallPart(call, index) }));
    content.push(...toolCalls);
    return buildChatResponse({
      content,
      usage: convertOllamaUsage(response),
      ...mapOllamaDoneReason(response.done_reason, toolCalls.length > 0),
      responseModel: response.model || undefined,
    });
  }

  private deadlineSetup(model: string | undefined, options: CallOptions): DeadlineCallSetup<Ollama> {
    // One state per call: the client's fetch records what classification needs (Retry-After).
    const state: OllamaCallState = {};
    return {
      options,
      connect: (deadline) => this.client(deadline, state),
      classify: (error, deadline) => classifyOllamaError(error, this.errorContext(model), deadline, state),
    };
  }

  private async client(deadline: CallDeadline, state: OllamaCallState): Promise<Ollama> {
    // Imported here, not at the top: `openkoi --help` must not pay for loading the client.
    const { Ollama: OllamaClient } = (await import('ollama')) as unknown as { Ollama: OllamaConstructor };
    return new OllamaClient({
      host: this.host,
      fetch: createOllamaFetch(deadline, state),
      ...(this.authorization ? { headers: { Authorization: this.authorization } } : {}),
    });
  }

  private errorContext(model: string | undefined) {
    return { provider: this.id, providerName: this.name, model, host: this.host };
  }
}

/** Ollama tool calls have no id (newer servers may send one); a stable one is made from the position. */
function toolCallPart(call: OllamaToolCall, index: number): Omit<ToolCallPart, 'type'> {
  const id = (call as { id?: unknown }).id;
  return {
    toolCallId: typeof id === 'string' && id !== '' ? id : `call_${index}`,
    toolName: call.function?.name ?? '',
    input: call.function?.arguments ?? {},
  };
}
