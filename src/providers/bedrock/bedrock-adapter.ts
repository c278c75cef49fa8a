import type { BedrockRuntimeClient, ConverseCommandInput, ConverseCommandOutput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { TextPart, ToolCallPart } from '../../model/content-part.js';
import type { StreamEvent } from '../../model/stream-event.js';
import type { Usage } from '../../model/usage.js';
import { buildChatResponse } from '../build-chat-response.js';
import type { CallDeadline } from '../call-deadline.js';
import type { HttpErrorContext } from '../classify-http-error.js';
import type { CallOptions, EmbedOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';
import { runWithDeadline, streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import { withTemporaryEnvironment } from '../with-temporary-environment.js';
import { BEDROCK_MODELS } from './bedrock-model-catalog.js';
import { classifyBedrockError } from './classify-bedrock-error.js';
import { convertBedrockPrompt } from './convert-bedrock-messages.js';
import { convertBedrockUsage } from './convert-bedrock-usage.js';
import { embedThroughInvokeModel } from './embed-through-invoke-model.js';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.js';
import { parseStreamedToolInput } from '../parse-streamed-tool-input.js';

export interface BedrockAdapterOptions {
  /** Undefined: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** Undefined: the SDK's own endpoint resolution, which honours AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
  endpoint?: string;
  /** Where the credential chain and region are read; the process environment by default. */
  environment?: NodeJS.ProcessEnv;
}

type BedrockModule = typeof import('@aws-sdk/client-bedrock-runtime');

/** The client and the module its command classes come from, both loaded on first use. */
interface BedrockConnection {
  client: BedrockRuntimeClient;
  sdk: BedrockModule;
}

// The variables whose values must never appear in a message (the access key id is masked by its
// AKIA/ASIA shape anyway).
const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_ACCESS_KEY_ID'];

/**
 * Amazon Bedrock Runtime's Converse API through `@aws-sdk/client-bedrock-runtime`, signed with
 * SigV4 from the standard AWS credential chain (environment, shared config and credentials files,
 * SSO, container and instance roles).
 */
export class BedrockAdapter implements ModelProvider {
  readonly id = 'bedrock';
  readonly name = 'Amazon Bedrock';
  private client: BedrockRuntimeClient | undefined;
  private sdk: BedrockModule | undefined;
  private readonly environment: NodeJS.ProcessEnv;

  constructor(private readonly options: BedrockAdapterOptions = {}) {
    this.environment = options.environment ?? process.env;
  }

  async models(): Promise<ModelInfo[]> {
    return BEDROCK_MODELS.map((model) => ({ ...model, capabilities: model.capabilities ? [...model.capabilities] : undefined }));
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return runWithDeadline(this.deadlineSetup(request.model, options), async ({ client, sdk }, deadline) => {
      const output = await client.send(new sdk.ConverseCommand(this.input(request)), { abortSignal: deadline.signal });
      return convertConverseOutput(output);
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (connection, deadline) => this.streamEvents(connection, request, deadline));
  }

  private async *streamEvents({ client, sdk }: BedrockConnection, request: ChatRequest, deadline: CallDeadline): AsyncGenerator<StreamEvent> {
    const output = await client.send(new sdk.ConverseStreamCommand(this.input(request)), { abortSignal: deadline.signal });
    deadline.touch();
    if (!output.stream) throw new ProviderError(`Amazon Bedrock sent no stream for bedrock/${request.model}`, { kind: 'server', provider: this.id, model: request.model });
    const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
    let stopReason: string | undefined;
    let usage: Usage | undefined;
    for await (const event of output.stream) {
      deadline.touch();
      yield* this.convertStreamEvent(event, toolBlocks);
      if (event.messageStop) stopReason = event.messageStop.stopReason ?? 'unknown';
      if (event.metadata) usage = convertBedrockUsage(event.metadata.usage);
    }
    // An abort (idle deadline or caller) destroys the connection, which normally fails the
    // iteration; should it end quietly instead, it is still an abort, not a reply.
    if (deadline.signal.aborted) throw new Error('the stream was aborted before it finished');
    // A reply is whole only with messageStop (the stop reason) and the metadata event that
    // follows it (the usage): a stream that ends before both was cut.
    if (stopReason === undefined || usage === undefined) {
      throw new ProviderError(
        `Amazon Bedrock stream for bedrock/${request.model} ended before the reply was complete (no ${stopReason === undefined ? 'messageStop' : 'metadata'})`,
        { kind: 'network', provider: this.id, model: request.model },
      );
    }
    yield { type: 'usage', usage };
    yield { type: 'finish', finishReason: mapBedrockStopReason(stopReason), rawFinishReason: stopReason };
  }

  async embed(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return runWithDeadline(this.deadlineSetup(options.model, options), ({ client, sdk }, deadline) =>
      embedThroughInvokeModel(client, sdk, texts, options.model, deadline),
    );
  }

  private *convertStreamEvent(event: ConverseStreamOutput, toolBlocks: Map<number, { id: string; name: string; json: string }>): Generator<StreamEvent> {
    if (event.contentBlockStart?.start?.toolUse) {
      const toolUse = event.contentBlockStart.start.toolUse;
      toolBlocks.set(event.contentBlockStart.contentBlockIndex ?? 0, { id: toolUse.toolUseId ?? '', name: toolUse.name ?? '', json: '' });
    } else if (event.contentBlockDelta) {
      const delta = event.contentBlockDelta.delta;
      if (typeof delta?.text === 'string' && delta.text !== '') {
        yield { type: 'text-delta', text: delta.text };
      } else if (typeof delta?.toolUse?.input === 'string' && delta.toolUse.input !== '') {
        const block = toolBlocks.get(event.contentBlockDelta.contentBlockIndex ?? 0);
        if (block) {
          block.json += delta.toolUse.input;
          yield { type: 'tool-input-delta', toolCallId: block.id, toolName: block.name, delta: delta.toolUse.input };
        }
      }
    } else if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const block = toolBlocks.get(index);
      if (block) {
        toolBlocks.delete(index);
        yield { type: 'tool-call', toolCallId: block.id, toolName: block.name, input: parseStreamedToolInput(block.json) };
      }
    }
  }

  private input(request: ChatRequest): ConverseCommandInput {
    const prompt = convertBedrockPrompt(request);
    const input: ConverseCommandInput = { modelId: request.model, messages: prompt.messages };
    if (prompt.system) input.system = prompt.system;
    if (prompt.toolConfig) input.toolConfig = prompt.toolConfig;
    if (request.maxOutputTokens !== undefined || request.temperature !== undefined) {
      input.inferenceConfig = {
        ...(request.maxOutputTokens !== undefined ? { maxTokens: request.maxOutputTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      };
    }
    return input;
  }

  private deadlineSetup(model: string | undefined, options: CallOptions): DeadlineCallSetup<BedrockConnection> {
    return {
      options,
      connect: () => this.getClient(),
      classify: (error, deadline) => classifyBedrockError(error, this.errorContext(model), deadline),
    };
  }

  private errorContext(model: string | undefined): HttpErrorContext {
    return { provider: this.id, providerName: this.name, model, secrets: SECRET_VARIABLES.map((name) => this.environment[name]) };
  }

  private async getClient(): Promise<BedrockConnection> {
    if (this.client && this.sdk) return { client: this.client, sdk: this.sdk };
    // Imported here, not at the top: `openkoi --help` must not pay for loading the SDK.
    const sdk = await import('@aws-sdk/client-bedrock-runtime');
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    const region = this.options.region || this.environment['AWS_REGION']?.trim() || this.environment['AWS_DEFAULT_REGION']?.trim() || 'us-east-1';
    // The SDK warns once per process, on stderr, that a later release will need Node 22. That is
    // noise for an openkoi user, who cannot act on it; the SDK's own switch silences exactly that
    // warning. It is read only while the client is constructed, so it is set for that moment
    // (unless the user set it) and never reaches the environment of the tools openkoi runs.
    const silenceNodeVersionWarning = this.environment['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] === undefined;
    const client = withTemporaryEnvironment(
      silenceNodeVersionWarning ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {},
      () =>
        new sdk.BedrockRuntimeClient({
          region,
          ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
          // Routing owns retries: one call here is one HTTP request.
          maxAttempts: 1,
          // The SDK switches to Bedrock API-key (bearer) auth when AWS_BEARER_TOKEN_BEDROCK merely
          // exists, and then fails to sign if it is empty: an empty one means SigV4.
          ...(this.environment['AWS_BEARER_TOKEN_BEDROCK'] === '' ? { authSchemePreference: ['sigv4'] } : {}),
          // The client's default handler speaks HTTP/2, which only the bidirectional
          // InvokeModelWithBidirectionalStream needs. Converse and ConverseStream are ordinary
          // request/response-stream calls that Bedrock serves over HTTP/1.1 too, so the HTTP/1.1
          // handler is chosen: it reaches HTTP proxies and plain HTTP/1.1 test servers, and keeps
          // the SDK's HTTP/2 session pool (and its idle sessions) out of a short-lived CLI. No
          // timeouts of its own: CallDeadline aborts a silent call through the abort signal.
          requestHandler: new NodeHttpHandler({ connectionTimeout: 0, requestTimeout: 0 }),
        }),
    );
    this.sdk = sdk;
    this.client = client;
    return { client, sdk };
  }
}

function convertConverseOutput(output: ConverseCommandOutput): ChatResponse {
  const content: Array<TextPart | ToolCallPart> = [];
  for (const block of output.output?.message?.content ?? []) {
    if (typeof block.text === 'string') {
      if (block.text !== '') content.push({ type: 'text', text: block.text });
    } else if (block.toolUse) {
      content.push({ type: 'tool-call', toolCallId: block.toolUse.toolUseId ?? '', toolName: block.toolUse.name ?? '', input: block.toolUse.input ?? {} });
    }
    // reasoningContent, citations, images: not part of our reply vocabulary.
  }
  return buildChatResponse({
    content,
    usage: convertBedrockUsage(output.usage),
    finishReason: mapBedrockStopReason(output.stopReason),
    rawFinishReason: output.stopReason,
    // Converse does not echo the model: the one requested is the one that served.
    responseModel: undefined,
  });
}
