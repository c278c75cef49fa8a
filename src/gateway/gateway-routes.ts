import type { IncomingMessage } from 'node:http';
import { anthropicMessageOf, AnthropicEventSink } from './anthropic-messages-reply.js';
import { roleRequestOfAnthropicMessages } from './anthropic-messages-request.js';
import { invalidField, type ClientDialect } from './client-error.js';
import type { RequestContext } from './gateway-server.js';
import { handleEmbeddings } from './handle-embeddings.js';
import { handleResponses } from './handle-responses.js';
import { chatCompletionOf, ChatCompletionChunkSink } from './openai-chat-reply.js';
import { roleRequestOfChatCompletion } from './openai-chat-request.js';
import { sendJson } from './send-json.js';
import { pumpReplyStream } from './pump-reply-stream.js';
import { allowedCandidates, listedModelIds, resolveModelChain } from './resolve-model-chain.js';
import { SseWriter } from './sse-writer.js';
import { isObject } from './translate-helpers.js';

export type RouteHandler = (context: RequestContext) => Promise<void>;

export interface GatewayRoute {
  method: 'GET' | 'POST';
  paths: readonly string[];
  dialect: ClientDialect;
  /** Declines a request its path matched, where the two dialects share a path (`GET /v1/models`). */
  accepts?(request: IncomingMessage): boolean;
  handle: RouteHandler;
}

const speaksAnthropic = (request: IncomingMessage): boolean => request.headers['anthropic-version'] !== undefined;

export const GATEWAY_ROUTES: readonly GatewayRoute[] = [
  { method: 'POST', paths: ['/v1/chat/completions', '/openai/v1/chat/completions'], dialect: 'openai', handle: handleChatCompletions },
  { method: 'POST', paths: ['/v1/responses', '/openai/v1/responses'], dialect: 'openai', handle: handleResponses },
  { method: 'POST', paths: ['/v1/embeddings', '/openai/v1/embeddings'], dialect: 'openai', handle: handleEmbeddings },
  { method: 'POST', paths: ['/v1/messages', '/anthropic/v1/messages'], dialect: 'anthropic', handle: handleMessages },
  { method: 'POST', paths: ['/v1/messages/count_tokens', '/anthropic/v1/messages/count_tokens'], dialect: 'anthropic', handle: handleCountTokens },
  { method: 'GET', paths: ['/anthropic/v1/models', '/v1/models'], dialect: 'anthropic', accepts: (request) => speaksAnthropic(request) || request.url!.startsWith('/anthropic/'), handle: handleAnthropicModels },
  { method: 'GET', paths: ['/v1/models', '/openai/v1/models'], dialect: 'openai', handle: handleOpenAIModels },
];

function requestedModel(body: Record<string, unknown>): string {
  const model = body['model'];
  if (typeof model !== 'string' || model.trim() === '') invalidField('model', 'required: "provider/model" or an alias from [gateway.aliases].');
  return model;
}

async function handleChatCompletions(context: RequestContext): Promise<void> {
  const model = requestedModel(context.body);
  const request = roleRequestOfChatCompletion(context.body);
  const { gateway } = context.route(model);
  if (context.body['stream'] !== true) {
    const reply = await gateway.chat('executor', request, { signal: context.signal });
    sendJson(context.response, 200, chatCompletionOf(reply, model));
    return;
  }
  context.holdStreamSlot();
  const options = context.body['stream_options'];
  const sse = new SseWriter(context.response);
  const sink = new ChatCompletionChunkSink(sse, model, isObject(options) && options['include_usage'] === true);
  await pumpReplyStream(gateway.chatStream('executor', request, { signal: context.signal }), sink, { signal: context.signal, onStart: () => sse.open(), waitForClient: () => sse.writable(context.idleTimeoutMs) });
}

async function handleMessages(context: RequestContext): Promise<void> {
  const model = requestedModel(context.body);
  const request = roleRequestOfAnthropicMessages(context.body);
  const { gateway } = context.route(model);
  if (context.body['stream'] !== true) {
    const reply = await gateway.chat('executor', request, { signal: context.signal });
    sendJson(context.response, 200, anthropicMessageOf(reply, model));
    return;
  }
  context.holdStreamSlot();
  const sse = new SseWriter(context.response);
  await pumpReplyStream(gateway.chatStream('executor', request, { signal: context.signal }), new AnthropicEventSink(sse, model), {
    signal: context.signal,
    onStart: () => sse.open(),
    waitForClient: () => sse.writable(context.idleTimeoutMs),
  });
}

/**
 * An estimate (about four characters a token, over the translated request): openkoi's providers
 * have no token-counting call, and Claude Code uses the figure only to judge context use.
 */
async function handleCountTokens(context: RequestContext): Promise<void> {
  const model = requestedModel(context.body);
  const request = roleRequestOfAnthropicMessages({ max_tokens: 1, ...context.body });
  context.route(model);
  sendJson(context.response, 200, { input_tokens: Math.ceil(JSON.stringify(request.messages).length / 4 + JSON.stringify(request.tools ?? []).length / 4) });
}

/** The ids this token may use: aliases and configured models. */
function visibleModelIds(context: RequestContext): string[] {
  return listedModelIds(context.catalog).filter((id) => {
    try {
      return allowedCandidates(id, resolveModelChain(id, context.catalog), context.token.modelPattern).length > 0;
    } catch {
      return false;
    }
  });
}

async function handleOpenAIModels(context: RequestContext): Promise<void> {
  sendJson(context.response, 200, { object: 'list', data: visibleModelIds(context).map((id) => ({ id, object: 'model', created: 0, owned_by: 'openkoi' })) });
}

async function handleAnthropicModels(context: RequestContext): Promise<void> {
  const data = visibleModelIds(context).map((id) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' }));
  sendJson(context.response, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
}
