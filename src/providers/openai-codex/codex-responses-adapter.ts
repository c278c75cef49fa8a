import type OpenAI from 'openai';
import type { ResponseCreateParamsStreaming, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { TextPart, ToolCallPart } from '../../model/content-part.js';
import type { StreamEvent } from '../../model/stream-event.js';
import { emptyUsage, type Usage } from '../../model/usage.js';
import { buildChatResponse, type MappedFinishReason } from '../build-chat-response.js';
import type { CallDeadline } from '../call-deadline.js';
import { classifiedProviderError, type HttpErrorContext } from '../classify-http-error.js';
import { classifySdkError } from '../classify-sdk-error.js';
import type { CallOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { IDENTITY_ORIGINATOR, openkoiUserAgent } from '../openkoi-identity.js';
import { ProviderError } from '../provider-error.js';
import { streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import { convertResponsesInput, convertResponsesTools } from './convert-responses-input.js';
import { convertResponsesUsage } from './convert-responses-usage.js';

/** A signed-in ChatGPT session's current access (refreshed by the auth layer before it expires). */
export type ChatGPTAccessSource = () => Promise<{ accessToken: string; accountId: string }>;

export interface CodexResponsesAdapterOptions {
  id: string;
  name: string;
  /** `{chatgpt}/backend-api/codex`: the SDK appends `/responses`. */
  baseURL: string;
  access: ChatGPTAccessSource;
  /** Sees every reply's headers (quota telemetry: the backend's usage windows). */
  onResponseHeaders?: (headers: Headers) => void;
}

const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** The SDK needs some key at construction; every request replaces it with the session's token. */
const PLACEHOLDER_KEY = 'chatgpt-session';

/**
 * ChatGPT sign-in (`openai-codex`, alias `chatgpt`): the OpenAI Responses API on the ChatGPT Codex
 * backend, through the official `openai` SDK. The backend is stricter than the public API: it
 * takes only `stream: true`, an explicit `store: false`, `instructions`, and `input` as a list, so
 * every request is built that way and a whole reply is a collected stream. It also refuses
 * `max_output_tokens` and `temperature`, which are therefore not sent. openkoi sends its own user
 * agent and originator, never Codex CLI's.
 */
export class CodexResponsesAdapter implements ModelProvider {
  readonly id: string;
  readonly name: string;
  private client: OpenAI | undefined;

  constructor(private readonly options: CodexResponsesAdapterOptions) {
    this.id = options.id;
    this.name = options.name;
  }

  /** The backend has no model list; the ones ChatGPT plans serve through Codex. */
  async models(): Promise<ModelInfo[]> {
    return CODEX_MODELS.map((id) => ({ id, capabilities: ['chat', 'tools', 'reasoning'] }));
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const content: Array<TextPart | ToolCallPart> = [];
    let text = '';
    let usage: Usage | undefined;
    let finish: MappedFinishReason = { finishReason: 'other', rawFinishReason: undefined };
    let responseModel: string | undefined;
    for await (const event of this.chatStream(request, options)) {
      if (event.type === 'text-delta') text += event.text;
      else if (event.type === 'tool-call') content.push({ type: 'tool-call', toolCallId: event.toolCallId, toolName: event.toolName, input: event.input });
      else if (event.type === 'usage') usage = event.usage;
      else if (event.type === 'finish') finish = { finishReason: event.finishReason, rawFinishReason: event.rawFinishReason };
      else if (event.type === 'response-metadata') responseModel = event.responseModel;
    }
    if (text !== '') content.unshift({ type: 'text', text });
    return buildChatResponse({ content, usage: usage ?? emptyUsage(), ...finish, responseModel });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<StreamEvent> {
    let headers: Record<string, string> = {};
    const setup: DeadlineCallSetup<OpenAI> = {
      options,
      connect: async () => {
        // A refresh failure leaves as the session's own ProviderError, with its own message.
        const access = await this.options.access();
        headers = { authorization: `Bearer ${access.accessToken}`, 'chatgpt-account-id': access.accountId };
        return this.getClient();
      },
      classify: (error, deadline) => this.classify(error, request.model, deadline, Object.values(headers)),
    };
    return streamWithDeadline(setup, (client, deadline) => this.streamEvents(client, request, deadline, headers));
  }

  private async *streamEvents(client: OpenAI, request: ChatRequest, deadline: CallDeadline, headers: Record<string, string>): AsyncGenerator<StreamEvent> {
    const { instructions, input } = convertResponsesInput(request.messages);
    const body: ResponseCreateParamsStreaming = {
      model: request.model,
      instructions,
      input,
      stream: true,
      store: false,
      ...(request.tools && request.tools.length > 0 ? { tools: convertResponsesTools(request.tools), tool_choice: 'auto' as const, parallel_tool_calls: true } : {}),
      ...(request.promptCacheKey !== undefined ? { prompt_cache_key: request.promptCacheKey } : {}),
    };
    const stream = await client.responses.create(body, { signal: deadline.signal, headers });
    deadline.touch();

    const calls = new Map<string, { callId: string; name: string; arguments: string; emitted: boolean }>();
    let finished = false;
    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
      deadline.touch();
      switch (event.type) {
        case 'response.created':
          yield { type: 'response-metadata', responseModel: event.response.model || undefined, responseId: event.response.id || undefined };
          break;
        case 'response.output_text.delta':
          if (event.delta !== '') yield { type: 'text-delta', text: event.delta };
          break;
        case 'response.refusal.delta':
          if (event.delta !== '') yield { type: 'text-delta', text: event.delta };
          break;
        case 'response.output_item.added':
          if (event.item.type === 'function_call') {
            calls.set(event.item.id ?? event.item.call_id, { callId: event.item.call_id, name: event.item.name, arguments: '', emitted: false });
          }
          break;
        case 'response.function_call_arguments.delta': {
          const call = calls.get(event.item_id);
          if (call && event.delta !== '') {
            call.arguments += event.delta;
            yield { type: 'tool-input-delta', toolCallId: call.callId, toolName: call.name, delta: event.delta };
          }
          break;
        }
        case 'response.output_item.done':
          if (event.item.type === 'function_call') {
            const call = calls.get(event.item.id ?? event.item.call_id);
            if (call && !call.emitted) {
              call.emitted = true;
              yield { type: 'tool-call', toolCallId: event.item.call_id, toolName: event.item.name, input: parseToolInput(event.item.arguments ?? call.arguments) };
            }
          }
          break;
        case 'response.completed':
        case 'response.incomplete': {
          finished = true;
          if (event.response.usage) yield { type: 'usage', usage: convertResponsesUsage(event.response.usage) };
          const reason = event.type === 'response.incomplete' ? (event.response.incomplete_details?.reason ?? 'incomplete') : 'completed';
          yield { type: 'finish', ...mapFinish(reason, [...calls.values()].some((call) => call.emitted)) };
          break;
        }
        case 'response.failed': {
          finished = true;
          const error = event.response.error;
          if (event.response.usage) yield { type: 'usage', usage: convertResponsesUsage(event.response.usage) };
          throw this.streamFailure(error?.code ?? undefined, error?.message, request.model);
        }
        case 'error':
          throw this.streamFailure(event.code ?? undefined, event.message, request.model);
        default:
          break;
      }
    }
    if (deadline.signal.aborted) throw new Error('the stream was aborted before it finished');
    if (!finished) {
      throw new ProviderError(`${this.name} stream for ${this.id}/${request.model} ended before the reply was complete (no response.completed)`, {
        kind: 'network', provider: this.id, model: request.model,
      });
    }
  }

  private streamFailure(code: string | undefined, message: string | undefined, model: string): ProviderError {
    const kind = code === 'rate_limit_exceeded' || code === 'usage_limit_reached' ? 'rate-limit' : code === 'context_length_exceeded' ? 'context-length' : code === 'server_error' ? 'server' : 'invalid-request';
    return classifiedProviderError({ kind, vendorMessage: message, vendorCode: code }, this.context(model, []));
  }

  private context(model: string | undefined, secrets: string[]): HttpErrorContext {
    return { provider: this.id, providerName: this.name, model, secrets };
  }

  private classify(error: unknown, model: string, deadline: CallDeadline, secrets: string[]): ProviderError {
    if (error instanceof ProviderError) return error;
    const classified = classifySdkError(error, this.context(model, secrets), deadline);
    if (classified.kind === 'auth') {
      // The session was valid a moment ago by its expiry: the backend refused it anyway.
      return new ProviderError(`ChatGPT refused the sign-in for ${this.id}/${model} (HTTP 401): it was revoked or has expired. openkoi connect status shows its state.`, {
        kind: 'auth', provider: this.id, model, status: 401, cause: error,
      });
    }
    return classified;
  }

  private async getClient(): Promise<OpenAI> {
    if (this.client) return this.client;
    const { default: OpenAIClient } = await import('openai');
    const observe = this.options.onResponseHeaders;
    this.client = new OpenAIClient({
      apiKey: PLACEHOLDER_KEY,
      baseURL: this.options.baseURL,
      defaultHeaders: { 'User-Agent': openkoiUserAgent(), originator: IDENTITY_ORIGINATOR },
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      ...(process.env['OPENAI_LOG'] ? {} : { logLevel: 'off' as const }),
      ...(observe
        ? {
            fetch: async (url: string | URL | Request, init?: RequestInit) => {
              const response = await fetch(url, init);
              try {
                observe(response.headers);
              } catch {
                // Telemetry never fails a call.
              }
              return response;
            },
          }
        : {}),
    });
    return this.client;
  }
}

/** Models a ChatGPT plan serves through the Codex backend (no list endpoint exists there). */
export const CODEX_MODELS: readonly string[] = ['gpt-5-codex', 'gpt-5', 'gpt-5.1-codex', 'gpt-5.1'];

function mapFinish(reason: string, calledTools: boolean): MappedFinishReason {
  if (reason === 'completed') return { finishReason: calledTools ? 'tool-calls' : 'stop', rawFinishReason: reason };
  if (reason === 'max_output_tokens') return { finishReason: 'length', rawFinishReason: reason };
  if (reason === 'content_filter') return { finishReason: 'content-filter', rawFinishReason: reason };
  return { finishReason: 'other', rawFinishReason: reason };
}

function parseToolInput(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
