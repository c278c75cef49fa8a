import type { ServerResponse } from 'node:http';
import { sendJson, writeEventStream, type RouteDefinition } from './fake-server.js';
import { DEFAULT_USAGE, replyChunks, replyText, type ScriptedFault, type ScriptedReply, type ScriptedUsage } from './scripted-reply.js';

/**
 * OpenAI wire routes for FakeServer: Chat Completions (whole and streamed), embeddings and the
 * model list, rendered as the real API renders them. Paths match with any prefix so a custom base
 * URL (`/openai/v1`, `/api/v1`) reaches the same routes.
 *
 * Scripted usage follows our Usage: `input` counts uncached prompt tokens, so the wire's
 * `prompt_tokens` is `input + cacheRead` and `cached_tokens` is `cacheRead`; `reasoning` is part
 * of `completion_tokens`, as OpenAI counts it.
 */

/** The models `GET .../models` lists. */
export const FAKE_OPENAI_MODELS: readonly string[] = ['gpt-5.2', 'gpt-4.1-mini', 'text-embedding-3-small', 'text-embedding-3-large'];

export const FAKE_EMBEDDING_DIMENSIONS = 8;

/**
 * Request header that makes the embeddings route list its items in reverse order: the API gives
 * each item an `index`, and clients must not rely on the list order.
 */
export const REVERSE_EMBEDDING_ORDER_HEADER = 'x-fake-embedding-order';

/**
 * The vector the fake returns for a text: deterministic (FNV-1a of the text and position), and
 * made of small multiples of 1/1024 so every value is exact in float32.
 */
export function fakeEmbedding(text: string, dimensions: number = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const vector: number[] = [];
  for (let position = 0; position < dimensions; position++) {
    let hash = 0x811c9dc5;
    for (const character of `${position}:${text}`) {
      hash ^= character.codePointAt(0)!;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    vector.push(((hash % 2001) - 1000) / 1024);
  }
  return vector;
}

export const MALFORMED_OPENAI_CHUNK = 'data: {"id": broken\n\n';

let completionCounter = 0;

export const openaiRoutes: RouteDefinition[] = [
  {
    name: 'openai.chat',
    method: 'POST',
    path: /\/chat\/completions$/,
    async handle(context) {
      const { reply, body, response } = context;
      const streaming = body?.stream === true;
      if (reply.fault && !(streaming && reply.faultAfterEvents !== undefined)) return sendFault(response, reply.fault);
      const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'gpt-fake');
      const id = `chatcmpl-fake${++completionCounter}`;
      const created = Math.floor(Date.now() / 1000);
      if (streaming) {
        const includeUsage = body?.stream_options?.include_usage === true;
        const events = reply.wire?.events
          ? [...reply.wire.events.map((event) => `data: ${JSON.stringify(event)}\n\n`), 'data: [DONE]\n\n']
          : streamEvents(reply, { id, model, created, includeUsage });
        if (reply.fault && reply.faultAfterEvents !== undefined) {
          // An error after the 200 has gone out arrives as a data line holding only `error`.
          events.splice(reply.faultAfterEvents, events.length, `data: ${JSON.stringify(faultBody(reply.fault))}\n\n`);
        }
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_${id}`, ...reply.headers });
        await writeEventStream(response, events, reply, MALFORMED_OPENAI_CHUNK);
        return;
      }
      sendJson(response, 200, reply.wire?.body ?? wholeCompletion(reply, { id, model, created }), { 'x-request-id': `req_${id}`, ...reply.headers });
    },
  },
  {
    name: 'openai.embeddings',
    method: 'POST',
    path: /\/embeddings$/,
    handle(context) {
      const { reply, body, response, request } = context;
      if (reply.fault) return sendFault(response, reply.fault);
      const inputs: string[] = typeof body?.input === 'string' ? [body.input] : Array.isArray(body?.input) ? body.input.map(String) : [];
      const dimensions = typeof body?.dimensions === 'number' ? body.dimensions : FAKE_EMBEDDING_DIMENSIONS;
      const base64 = body?.encoding_format === 'base64';
      const data = inputs.map((text, index) => {
        const vector = fakeEmbedding(text, dimensions);
        return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
      });
      if (request.headers[REVERSE_EMBEDDING_ORDER_HEADER] === 'reversed') data.reverse();
      const promptTokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
      sendJson(response, 200, {
        object: 'list',
        data,
        model: reply.model ?? body?.model ?? 'text-embedding-3-small',
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
    },
  },
  {
    name: 'openai.models',
    method: 'GET',
    path: /\/models$/,
    // Anthropic lists its models at the same GET /v1/models; its SDK always sends this header.
    accepts: (request) => request.headers['anthropic-version'] === undefined,
    handle(context) {
      if (context.reply.fault) return sendFault(context.response, context.reply.fault);
      sendJson(context.response, 200, {
        object: 'list',
        data: FAKE_OPENAI_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })),
      });
    },
  },
];

interface CompletionIdentity {
  id: string;
  model: string;
  created: number;
}

interface WireToolCall {
  id: string;
  name: string;
  arguments: string;
}

function wireToolCalls(reply: ScriptedReply): WireToolCall[] {
  return (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_fake${index}`,
    name: call.name,
    // A string is sent as is so a test can script arguments that are not valid JSON.
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
}

function finishReason(reply: ScriptedReply): string {
  return reply.finishReason ?? ((reply.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

function wireUsage(usage: ScriptedUsage = DEFAULT_USAGE) {
  const cached = usage.cacheRead ?? 0;
  const promptTokens = usage.input + cached;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.output,
    total_tokens: promptTokens + usage.output,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function wholeCompletion(reply: ScriptedReply, identity: CompletionIdentity) {
  const text = replyText(reply);
  const toolCalls = wireToolCalls(reply);
  const message: Record<string, unknown> = {
    role: 'assistant',
    // The API sends null, not "", when the model only called tools.
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
    annotations: [],
  };
  if (toolCalls.length > 0) {
    message['tool_calls'] = toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(reply) }],
    usage: wireUsage(reply.usage),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

/** The SSE blocks of a streamed completion, in the order OpenAI sends them. */
function streamEvents(reply: ScriptedReply, identity: CompletionIdentity & { includeUsage: boolean }): string[] {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string => {
    const payload: Record<string, unknown> = {
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
      choices,
    };
    // With include_usage every chunk carries `usage: null` until the final usage chunk.
    if (identity.includeUsage) payload['usage'] = null;
    return `data: ${JSON.stringify({ ...payload, ...extra })}\n\n`;
  };
  const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finish });

  const events: string[] = [];
  const toolCalls = wireToolCalls(reply);
  const chunks = replyChunks(reply);
  // The first chunk announces the role; a reply that starts with a tool call has null content.
  events.push(chunk([choice({ role: 'assistant', content: chunks.length === 0 && toolCalls.length > 0 ? null : '', refusal: null })]));
  for (const text of chunks) events.push(chunk([choice({ content: text })]));
  toolCalls.forEach((call, index) => {
    events.push(chunk([choice({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] })]));
    for (const fragment of call.arguments.match(/.{1,12}/gs) ?? []) {
      events.push(chunk([choice({ tool_calls: [{ index, function: { arguments: fragment } }] })]));
    }
  });
  events.push(chunk([choice({}, finishReason(reply))]));
  if (identity.includeUsage) events.push(chunk([], { usage: wireUsage(reply.usage) }));
  events.push('data: [DONE]\n\n');
  return events;
}

const DEFAULT_FAULTS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

function faultBody(fault: ScriptedFault): unknown {
  const defaults = DEFAULT_FAULTS[fault.status] ?? { type: fault.status >= 500 ? 'server_error' : 'invalid_request_error', code: null, message: `HTTP ${fault.status}` };
  return (
    fault.body ?? {
      error: {
        message: fault.message ?? defaults.message,
        type: defaults.type,
        param: fault.code === 'context_length_exceeded' ? 'messages' : null,
        code: fault.code ?? defaults.code,
      },
    }
  );
}

function sendFault(response: ServerResponse, fault: ScriptedFault): void {
  sendJson(response, fault.status, faultBody(fault), fault.headers);
}

function float32Base64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}
