import type { BedrockRuntimeClient, ConverseCommandInput, ConverseCommandOutput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatRequest } from '../../model/chat-request.js';
import type { ChatResponse } from '../../model/chat-response.js';
import type { AssistantPart } from '../../model/content-part.js';
import type { StreamEvent } from '../../model/stream-event.js';
import type { Usage } from '../../model/usage.js';
import { buildChatResponse } from '../build-chat-response.js';
import type { CallDeadline } from '../call-deadline.js';
import type { HttpErrorContext } from '../classify-http-error.js';
import type { CallOptions, EmbedOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';
import { ReasoningBlocks } from '../reasoning-blocks.js';
import { runWithDeadline, streamWithDeadline, type DeadlineCallSetup } from '../run-with-deadline.js';
import type { StreamProgress } from '../stream-progress.js';
import { WarnOnce } from '../warn-once.js';
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
  /** A Bedrock API key openkoi holds (a saved bedrock.key): sent as the bearer token instead of SigV4. */
  bearerToken?: string;
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
  private readonly warnings = new WarnOnce();

  constructor(private readonly options: BedrockAdapterOptions = {}) {
    this.environment = options.environment ?? process.env;
  }

  async models(): Promise<ModelInfo[]> {
    return BEDROCK_MODELS.map((model) => ({ ...model, capabilities: model.capabilities ? [...model.capabilities] : undefined }));
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return runWithDeadline(this.deadlineSetup(request.model, options), async ({ client, sdk }, deadline) => {
      const { input, warnings } = this.input(request);
      const output = await client.send(new sdk.ConverseCommand(input), { abortSignal: deadline.signal });
      return { ...convertConverseOutput(output), warnings };
    });
  }

  chatStream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<StreamEvent> {
    return streamWithDeadline(this.deadlineSetup(request.model, options), (connection, deadline, progress) =>
      this.streamEvents(connection, request, deadline, progress),
    );
  }

  private async *streamEvents({ client, sdk }: BedrockConnection, request: ChatRequest, deadline: CallDeadline, progress: StreamProgress): AsyncGenerator<StreamEvent> {
    const { input, warnings } = this.input(request);
    for (const message of warnings) yield { type: 'warning', message };
    const output = await client.send(new sdk.ConverseStreamCommand(input), { abortSignal: deadline.signal });
    deadline.touch();
    if (!output.stream) throw new ProviderError(`Amazon Bedrock sent no stream for bedrock/${request.model}`, { kind: 'server', provider: this.id, model: request.model });
    const state: BedrockStreamState = { toolBlocks: new Map(), reasoning: new ReasoningBlocks(), signature: undefined, redacted: undefined };
    let stopReason: string | undefined;
    let usage: Usage | undefined;
    for await (const event of output.stream) {
      deadline.touch();
      yield* this.convertStreamEvent(event, state);
      if (event.messageStop) stopReason = event.messageStop.stopReason ?? 'unknown';
      if (event.metadata?.usage) {
        usage = convertBedrockUsage(event.metadata.usage);
        progress.usage = usage;
      }
    }
    // An abort (idle deadline or caller) destroys the connection, which normally fails the
    // iteration; should it end quietly instead, it is still an abort, not a reply.
    if (deadline.signal.aborted) throw new Error('the stream was aborted before it finished');
    // A reply is whole with messageStop (the stop reason): a stream that ends before it was cut.
    // The metadata event (the usage) normally follows, but recorded Bedrock streams may end at
    // messageStop: the reply is complete and its usage unknown (no usage event, never zero).
    if (stopReason === undefined) {
      throw new ProviderError(`Amazon Bedrock stream for bedrock/${request.model} ended before the reply was complete (no messageStop)`, {
        kind: 'network',
        provider: this.id,
        model: request.model,
      });
    }
    yield* state.reasoning.end();
    if (usage) yield { type: 'usage', usage };
    yield { type: 'finish', finishReason: mapBedrockStopReason(stopReason), rawFinishReason: stopReason };
  }

  async embed(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return runWithDeadline(this.deadlineSetup(options.model, options), ({ client, sdk }, deadline) =>
      embedThroughInvokeModel(client, sdk, texts, options.model, deadline),
    );
  }

  private *convertStreamEvent(event: ConverseStreamOutput, state: BedrockStreamState): Generator<StreamEvent> {
    const { toolBlocks, reasoning } = state;
    if (event.contentBlockStart?.start?.toolUse) {
      const toolUse = event.contentBlockStart.start.toolUse;
      toolBlocks.set(event.contentBlockStart.contentBlockIndex ?? 0, { id: toolUse.toolUseId ?? '', name: toolUse.name ?? '', json: '' });
    } else if (event.contentBlockDelta) {
      const delta = event.contentBlockDelta.delta;
      const reasoningDelta = delta?.reasoningContent;
      if (reasoningDelta) {
        if (typeof reasoningDelta.text === 'string') yield* reasoning.delta(reasoningDelta.text);
        if (typeof reasoningDelta.signature === 'string') state.signature = (state.signature ?? '') + reasoningDelta.signature;
        if (reasoningDelta.redactedContent) state.redacted = Buffer.from(reasoningDelta.redactedContent).toString('base64');
        if (!reasoning.isOpen) yield* reasoning.start();
      } else if (typeof delta?.text === 'string' && delta.text !== '') {
        yield { type: 'text-delta', text: delta.text };
      } else if (typeof delta?.toolUse?.input === 'string' && delta.toolUse.input !== '') {
        const block = toolBlocks.get(event.contentBlockDelta.contentBlockIndex ?? 0);
        if (block) {
          block.json += delta.toolUse.input;
          yield { type: 'tool-input-delta', toolCallId: block.id, toolName: block.name, delta: delta.toolUse.input };
        }
      }
    } else if (event.contentBlockStop) {
      if (reasoning.isOpen) {
        yield* reasoning.end({
          ...(state.signature !== undefined ? { signature: state.signature } : {}),
          ...(state.redacted !== undefined ? { encrypted: state.redacted } : {}),
        });
        state.signature = undefined;
        state.redacted = undefined;
      }
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const block = toolBlocks.get(index);
      if (block) {
        toolBlocks.delete(index);
        yield { type: 'tool-call', toolCallId: block.id, toolName: block.name, input: parseStreamedToolInput(block.json) };
      }
    }
  }

  private input(request: ChatRequest): { input: ConverseCommandInput; warnings: string[] } {
    const prompt = convertBedrockPrompt(request);
    const input: ConverseCommandInput = { modelId: request.model, messages: prompt.messages };
    const warnings: string[] = [];
    const warn = (setting: string, message: string) => {
      if (this.warnings.first(`${request.model}:${setting}`)) warnings.push(message);
    };
    const budget = request.reasoning?.budgetTokens;
    if (budget !== undefined) {
      // Claude's extended thinking, passed through Converse's model-specific fields.
      if (/(^|\.)anthropic\./.test(request.model)) input.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: budget } };
      else warn('thinking_budget', `thinking_budget is not supported by Amazon Bedrock for bedrock/${request.model} (Claude models only); not sent`);
    }
    if (request.reasoning?.effort !== undefined) warn('reasoning_effort', `reasoning_effort is not supported by Amazon Bedrock (bedrock/${request.model}); not sent`);
    if (prompt.system) input.system = prompt.system;
    if (prompt.toolConfig) input.toolConfig = prompt.toolConfig;
    if (request.maxOutputTokens !== undefined || request.temperature !== undefined) {
      input.inferenceConfig = {
        ...(request.maxOutputTokens !== undefined ? { maxTokens: request.maxOutputTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      };
    }
    return { input, warnings };
  }

  private deadlineSetup(model: string | undefined, options: CallOptions): DeadlineCallSetup<BedrockConnection> {
    return {
      options,
      connect: () => this.getClient(),
      classify: (error, deadline) => classifyBedrockError(error, this.errorContext(model), deadline),
    };
  }

  private errorContext(model: string | undefined): HttpErrorContext {
    return { provider: this.id, providerName: this.name, model, secrets: [...SECRET_VARIABLES.map((name) => this.environment[name]), this.options.bearerToken] };
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
          ...(this.options.bearerToken ? { token: { token: this.options.bearerToken }, authSchemePreference: ['httpBearerAuth'] } : {}),
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

interface BedrockStreamState {
  toolBlocks: Map<number, { id: string; name: string; json: string }>;
  reasoning: ReasoningBlocks;
  /** The open reasoning block's signature (it may arrive in pieces) or redacted payload (base64). */
  signature: string | undefined;
  redacted: string | undefined;
}

function convertConverseOutput(output: ConverseCommandOutput): ChatResponse {
  const content: AssistantPart[] = [];
  for (const block of output.output?.message?.content ?? []) {
    if (block.reasoningContent) {
      const text = block.reasoningContent.reasoningText;
      const redacted = block.reasoningContent.redactedContent;
      if (redacted) content.push({ type: 'reasoning', text: '', encrypted: Buffer.from(redacted).toString('base64'), provider: 'bedrock' });
      else if (text) content.push({ type: 'reasoning', text: text.text ?? '', ...(text.signature ? { signature: text.signature } : {}), provider: 'bedrock' });
    } else if (typeof block.text === 'string') {
      if (block.text !== '') content.push({ type: 'text', text: block.text });
    } else if (block.toolUse) {
      content.push({ type: 'tool-call', toolCallId: block.toolUse.toolUseId ?? '', toolName: block.toolUse.name ?? '', input: block.toolUse.input ?? {} });
    }
    // citations, images: not part of our reply vocabulary.
  }
  return buildChatResponse({
    content,
    usage: output.usage ? convertBedrockUsage(output.usage) : undefined,
    finishReason: mapBedrockStopReason(output.stopReason),
    rawFinishReason: output.stopReason,
    // Converse does not echo the model: the one requested is the one that served.
    responseModel: undefined,
  });
}
