import type { ServerResponse } from 'node:http';
import { sendJson, writeEventStream, type RouteDefinition } from './fake-server.js';
import { DEFAULT_USAGE, replyChunks, replyText, type ScriptedFault, type ScriptedReply } from './scripted-reply.js';

/**
 * Anthropic Messages (`POST /v1/messages`, whole and SSE) and `GET /v1/models`, rendered from a
 * ScriptedReply the way api.anthropic.com answers.
 */
export const anthropicRoutes: RouteDefinition[] = [
  {
    name: 'anthropic.messages',
    method: 'POST',
    path: /^\/v1\/messages$/,
    async handle({ response, body, reply }) {
      const streaming = body?.stream === true;
      if (reply.fault && !(streaming && reply.faultAfterEvents !== undefined)) {
        sendFault(response, reply.fault);
        return;
      }
      const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'claude-sonnet-4-6');
      const id = `msg_fake_${++messageCounter}`;
      if (!streaming) {
        sendJson(response, 200, reply.wire?.body ?? wholeMessage(id, model, reply), { 'request-id': `req_fake_${messageCounter}` });
        return;
      }
      // Wire payloads are framed with their own `type` as the SSE event name, as the API does.
      const events = reply.wire?.events
        ? reply.wire.events.map((event) => sse((event as { type: string }).type, event))
        : streamEvents(id, model, reply);
      if (reply.fault && reply.faultAfterEvents !== undefined) {
        // Anthropic reports errors that happen after the 200 as an `error` event, then ends.
        events.splice(reply.faultAfterEvents, events.length, sse('error', faultBody(reply.fault)));
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'request-id': `req_fake_${messageCounter}`,
      });
      await writeEventStream(
        response,
        events,
        reply,
        // A delta whose JSON is cut off mid-string, framed as a complete event.
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
      );
    },
  },
  {
    name: 'anthropic.models',
    method: 'GET',
    path: /^\/v1\/models$/,
    // OpenAI serves the same path; Anthropic's SDK always sends anthropic-version.
    accepts: (request) => request.headers['anthropic-version'] !== undefined,
    handle({ response, reply }) {
      if (reply.fault) {
        sendFault(response, reply.fault);
        return;
      }
      sendJson(response, 200, {
        data: FAKE_MODELS,
        has_more: false,
        first_id: FAKE_MODELS[0]!.id,
        last_id: FAKE_MODELS.at(-1)!.id,
      });
    },
  },
];

let messageCounter = 0;

const FAKE_MODELS = [
  fakeModel('claude-opus-4-6', 'Claude Opus 4.6', 200_000, 32_000),
  fakeModel('claude-sonnet-4-6', 'Claude Sonnet 4.6', 200_000, 64_000),
  fakeModel('claude-haiku-4-5', 'Claude Haiku 4.5', 200_000, 64_000),
];

function fakeModel(id: string, displayName: string, maxInputTokens: number, maxTokens: number): Record<string, unknown> {
  const supported = { supported: true };
  return {
    type: 'model',
    id,
    display_name: displayName,
    created_at: '2025-09-29T00:00:00Z',
    deprecated_at: null,
    retires_at: null,
    lifecycle: 'active',
    line: null,
    max_input_tokens: maxInputTokens,
    max_tokens: maxTokens,
    capabilities: { image_input: supported, thinking: { supported: true }, batch: supported, citations: supported },
  };
}

// Anthropic's error type for each status, as its API reference lists them.
const ERROR_TYPE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function faultBody(fault: ScriptedFault): unknown {
  if (fault.body !== undefined) return fault.body;
  const type = fault.code ?? ERROR_TYPE_FOR_STATUS[fault.status] ?? (fault.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: fault.message ?? defaultFaultMessage(type) } };
}

function defaultFaultMessage(type: string): string {
  return type === 'overloaded_error' ? 'Overloaded' : type.replace(/_/g, ' ');
}

function sendFault(response: ServerResponse, fault: ScriptedFault): void {
  sendJson(response, fault.status, faultBody(fault), { 'request-id': `req_fake_fault`, ...fault.headers });
}

interface RenderedBlock {
  type: 'text' | 'tool_use';
  text?: string;
  chunks?: string[];
  id?: string;
  name?: string;
  /** Tool input as the JSON text the model writes. */
  json?: string;
}

function contentBlocks(reply: ScriptedReply): RenderedBlock[] {
  const blocks: RenderedBlock[] = [];
  const text = replyText(reply);
  if (text !== '') blocks.push({ type: 'text', text, chunks: replyChunks(reply) });
  (reply.toolCalls ?? []).forEach((call, index) => {
    blocks.push({
      type: 'tool_use',
      id: call.id ?? `toolu_fake_${index + 1}`,
      name: call.name,
      json: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    });
  });
  return blocks;
}

function stopReason(reply: ScriptedReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_use' : 'end_turn');
}

function usageOf(reply: ScriptedReply): Record<string, number> {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_creation_input_tokens: usage.cacheWrite ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
  };
}

function wholeMessage(id: string, model: string, reply: ScriptedReply): unknown {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: contentBlocks(reply).map((block) =>
      block.type === 'text'
        ? { type: 'text', text: block.text }
        : { type: 'tool_use', id: block.id, name: block.name, input: parseOrRaw(block.json!) },
    ),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: usageOf(reply),
  };
}

// A scripted string that is not JSON is passed through as is, to script a broken reply.
function parseOrRaw(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function streamEvents(id: string, model: string, reply: ScriptedReply): string[] {
  const usage = usageOf(reply);
  const events: string[] = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Input and cache counts are known up front; output starts at a placeholder 1.
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    sse('ping', { type: 'ping' }),
  ];
  contentBlocks(reply).forEach((block, index) => {
    if (block.type === 'text') {
      events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const chunk of block.chunks ?? []) {
        events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } }));
      }
    } else {
      events.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      // The API opens with an empty fragment, then sends the JSON in pieces.
      for (const fragment of ['', ...(block.json!.match(/.{1,12}/gs) ?? [])]) {
        events.push(
          sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } }),
        );
      }
    }
    events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
  });
  events.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason(reply), stop_sequence: null },
      usage: { output_tokens: usage['output_tokens'] },
    }),
    sse('message_stop', { type: 'message_stop' }),
  );
  return events;
}
