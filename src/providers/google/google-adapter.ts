import type { GenerateContentConfig, GenerateContentParameters, GoogleGenAI } from '@google/genai';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { StreamEvent } from '../../model/stream-event.js';
import type { Usage } from '../../model/usage.js';
import type { CallDeadline } from '../call-deadline.js';
import type { HttpErrorContext } from '../classify-http-error.js';
import type { CallOptions, EmbedOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';
import { ReasoningBlocks } from '../reasoning-blocks.js';
import { runWithDeadline, streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import type { StreamProgress } from '../stream-progress.js';
import { WarnOnce } from '../warn-once.js';
import { withTemporaryEnvironment } from '../with-temporary-environment.js';
import { classifyGoogleError } from './classify-google-error.js';
import { convertGooglePrompt } from './convert-google-messages.js';
import { convertGoogleParts, convertGoogleResponse, rawGoogleFinishReason } from './convert-google-response.js';
import { convertGoogleUsage } from './convert-google-usage.js';
import { mapGoogleFinishReason } from './map-google-finish-reason.js';

export interface GoogleAdapterOptions {
  apiKey: string | undefined;
  /** Undefined: the SDK's own default, which honours `GOOGLE_GEMINI_BASE_URL`. */
  baseURL?: string;
}

/** The Gemini API accepts at most this many texts in one batchEmbedContents request. */
const EMBEDDING_BATCH_SIZE = 100;

/** The Gemini API (Google AI Studio keys) through `@google/genai`. */
export class GoogleAdapter implements ModelProvider {
  readonly id = 'google';
  readonly name = 'Google';
  private client: GoogleGenAI | undefined;
  private readonly warnings = new WarnOnce();

  constructor(private readonly options: GoogleAdapterOptions) {}

  async models(): Promise<ModelInfo[]> {
    return runWithDeadline(this.deadlineSetup(undefined, {}), async (client, deadline) => {
      const models: ModelInfo[] = [];
      const pager = await client.models.list({ config: { pageSize: 1000, abortSignal: deadline.signal } });
      for await (const model of pager) {
        deadline.touch();
        const id = (model.name ?? '').replace(/^models\//, '');
        if (id === '') continue;
        const actions = model.supportedActions ?? [];
        const capabilities: NonNullable<ModelInfo['capabilities']> = [];
        if (actions.includes('generateContent')) capabilities.push('chat', 'tools');
        // Every Gemini chat model takes images, which the listing does not say.
        if (actions.includes('generateContent') && id.startsWith('gemini')) capabilities.push('vision');
        if (model.thinking) capabilities.push('reasoning');
        if (actions.includes('embedContent')) capabilities.push('embeddings');
        const info: ModelInfo = { id, capabilities };
        if (typeof model.inputTokenLimit === 'number') info.contextWindow = model.inputTokenLimit;
        if (typeof model.outputTokenLimit === 'number') info.maxOutputTokens = model.outputTokenLimit;
        models.push(info);
      }
      return models;
    });
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return runWithDeadline(this.deadlineSetup(request.model, options), async (client, deadline) => {
      const { parameters, warnings } = this.parameters(request, deadline.signal);
      const response = await client.models.generateContent(parameters);
      return { ...convertGoogleResponse(response), warnings };
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (client, deadline, progress) =>
      this.streamEvents(client, request, deadline, progress),
    );
  }

  private async *streamEvents(client: GoogleGenAI, request: ChatRequest, deadline: CallDeadline, progress: StreamProgress): AsyncGenerator<StreamEvent> {
    const { parameters, warnings } = this.parameters(request, deadline.signal);
    for (const message of warnings) yield { type: 'warning', message };
    const stream = await client.models.generateContentStream(parameters);
    deadline.touch();
    const reasoning = new ReasoningBlocks();
    let metadataSent = false;
    let usage: Usage | undefined;
    let rawFinishReason: string | undefined;
    let sawToolCall = false;
    for await (const chunk of stream) {
      deadline.touch();
      if (!metadataSent && (chunk.modelVersion || chunk.responseId)) {
        metadataSent = true;
        yield { type: 'response-metadata', responseModel: chunk.modelVersion || undefined, responseId: chunk.responseId || undefined };
      }
      // Every chunk repeats the running counts; the last one holds the final ones.
      if (chunk.usageMetadata) {
        usage = convertGoogleUsage(chunk.usageMetadata);
        progress.usage = usage;
      }
      for (const part of convertGoogleParts(chunk.candidates?.[0]?.content?.parts)) {
        if (part.type === 'reasoning') {
          yield* reasoning.delta(part.text);
          if (part.signature !== undefined) yield* reasoning.end({ signature: part.signature });
        } else if (part.type === 'text') {
          yield* reasoning.end();
          yield { type: 'text-delta', text: part.text };
        } else {
          yield* reasoning.end();
          // Gemini sends a function call whole, in one chunk: there are no partial arguments.
          sawToolCall = true;
          yield { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
        }
      }
      rawFinishReason = rawGoogleFinishReason(chunk) ?? rawFinishReason;
    }
    if (deadline.signal.aborted) throw new Error('the stream was aborted before it finished');
    if (rawFinishReason === undefined) {
      // The last chunk always carries a finish reason: without one the reply was cut short.
      throw new ProviderError(`Google stream for google/${request.model} ended before the reply was complete (no finishReason)`, {
        kind: 'network',
        provider: this.id,
        model: request.model,
      });
    }
    yield* reasoning.end();
    if (usage) yield { type: 'usage', usage };
    yield { type: 'finish', finishReason: mapGoogleFinishReason(rawFinishReason, sawToolCall), rawFinishReason };
  }

  async embed(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return runWithDeadline(this.deadlineSetup(options.model, options), async (client, deadline) => {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += EMBEDDING_BATCH_SIZE) {
        const batch = texts.slice(start, start + EMBEDDING_BATCH_SIZE);
        const response = await client.models.embedContent({ model: options.model, contents: batch, config: { abortSignal: deadline.signal } });
        deadline.touch();
        const embeddings = response.embeddings ?? [];
        if (embeddings.length !== batch.length || embeddings.some((embedding) => !Array.isArray(embedding.values))) {
          throw new ProviderError(`Google returned ${embeddings.length} embeddings for ${batch.length} texts (google/${options.model})`, {
            kind: 'server',
            provider: this.id,
            model: options.model,
          });
        }
        for (const embedding of embeddings) vectors.push(Float32Array.from(embedding.values!));
      }
      return vectors;
    });
  }

  private parameters(request: ChatRequest, signal: AbortSignal): { parameters: GenerateContentParameters; warnings: string[] } {
    const prompt = convertGooglePrompt(request);
    const config: GenerateContentConfig = {
      abortSignal: signal,
      // One call is one request: no SDK-driven continuation hops after a CONTINUATION finish
      // (the reply ends as `length` instead) and no automatic function calling (the engine runs
      // the tools).
      automaticContinuation: false,
      automaticFunctionCalling: { disable: true },
    };
    if (prompt.systemInstruction) config.systemInstruction = prompt.systemInstruction;
    if (prompt.functionDeclarations) config.tools = [{ functionDeclarations: prompt.functionDeclarations }];
    if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
    if (request.temperature !== undefined) config.temperature = request.temperature;
    const warnings: string[] = [];
    const reasoning = request.reasoning;
    if (reasoning?.budgetTokens !== undefined || reasoning?.effort !== undefined) {
      // includeThoughts: the thought summaries are what --show-reasoning shows.
      config.thinkingConfig = { includeThoughts: true };
      if (reasoning.budgetTokens !== undefined) config.thinkingConfig.thinkingBudget = reasoning.budgetTokens;
      if (reasoning.effort !== undefined && reasoning.budgetTokens === undefined && this.warnings.first(`${request.model}:reasoning_effort`)) {
        warnings.push(`reasoning_effort is not supported by Google (google/${request.model}); set thinking_budget instead; thought summaries are asked for`);
      }
    }
    return { parameters: { model: request.model, contents: prompt.contents, config }, warnings };
  }

  private deadlineSetup(model: string | undefined, options: CallOptions): DeadlineCallSetup<GoogleGenAI> {
    return {
      options,
      connect: () => this.getClient(model),
      classify: (error, deadline) => classifyGoogleError(error, this.errorContext(model), deadline),
    };
  }

  private errorContext(model: string | undefined): HttpErrorContext {
    return { provider: this.id, providerName: this.name, model, secrets: [this.options.apiKey] };
  }

  private async getClient(model: string | undefined): Promise<GoogleGenAI> {
    const apiKey = this.options.apiKey;
    if (!apiKey) {
      throw new ProviderError('Google needs an API key: set GOOGLE_API_KEY or GEMINI_API_KEY (openkoi status shows what was found).', {
        kind: 'auth',
        provider: this.id,
        model,
      });
    }
    if (this.client) return this.client;
    // Imported here, not at the top: `openkoi --help` must not pay for loading the SDK.
    const { GoogleGenAI: GoogleClient } = await import('@google/genai');
    // The constructor reads GOOGLE_API_KEY and GEMINI_API_KEY even when given a key, and prints a
    // console warning over our terminal UI when both are set. The key is passed explicitly, so
    // the two variables are hidden from it for the moment it is constructed.
    this.client = withTemporaryEnvironment(
      { GOOGLE_API_KEY: undefined, GEMINI_API_KEY: undefined },
      () =>
        new GoogleClient({
          apiKey,
          // Explicit, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot send a Gemini API key
          // to Vertex AI.
          vertexai: false,
          httpOptions: {
            // Undefined baseUrl lets the SDK read GOOGLE_GEMINI_BASE_URL itself.
            ...(this.options.baseURL ? { baseUrl: this.options.baseURL } : {}),
            // No retryOptions: the SDK then makes exactly one attempt (routing owns retries). No
            // timeout either: CallDeadline enforces the idle timeout through the abort signal.
          },
        }),
    );
    return this.client;
  }
}
