import type { ServerResponse } from 'node:http';
import { encodeEventStreamMessage, eventFrame, exceptionFrame } from './encode-aws-event-stream.js';
import { sendJson, writeEventStream, type RouteDefinition } from './fake-server.js';
import { fakeEmbedding } from './openai-routes.js';
import { DEFAULT_USAGE, replyChunks, replyText, type ScriptedFault, type ScriptedReply } from './scripted-reply.js';

/**
 * Amazon Bedrock Runtime for FakeServer: Converse (`POST /model/{modelId}/converse`),
 * ConverseStream (`/converse-stream`, AWS event-stream binary frames) and InvokeModel
 * (`/invoke`, for the embedding models), rendered as bedrock-runtime answers. The fake speaks
 * HTTP/1.1: the adapter chooses the SDK's HTTP/1.1 handler (see bedrock-adapter.ts).
 *
 * Scripted usage follows our Usage, which Bedrock reports the same way: `inputTokens` excludes
 * the cache reads and writes reported beside it.
 */

let requestCounter = 0;

const MODEL_OPERATION = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

export const bedrockRoutes: RouteDefinition[] = [
  {
    name: 'bedrock.converse',
    method: 'POST',
    path: /^\/model\/[^/]+\/converse$/,
    handle({ response, reply }) {
      if (reply.fault) return sendFault(response, reply.fault);
      sendJson(response, 200, wholeReply(reply), { 'x-amzn-requestid': requestId() });
    },
  },
  {
    name: 'bedrock.converse-stream',
    method: 'POST',
    path: /^\/model\/[^/]+\/converse-stream$/,
    async handle({ response, reply }) {
      if (reply.fault && reply.faultAfterEvents === undefined) return sendFault(response, reply.fault);
      // Wire payloads are `{eventType: payload}` objects, framed as the event-stream frames Bedrock sends.
      const events = reply.wire?.events
        ? reply.wire.events.map((event) => {
            const [type, payload] = Object.entries(event as Record<string, unknown>)[0]!;
            return eventFrame(type, payload);
          })
        : streamFrames(reply);
      if (reply.fault && reply.faultAfterEvents !== undefined) {
        // After the 200, an error arrives as an exception frame and the stream ends.
        const code = reply.fault.code ?? EXCEPTION_FOR_STATUS[reply.fault.status] ?? 'InternalServerException';
        events.splice(reply.faultAfterEvents, events.length, exceptionFrame(lowerFirst(code), reply.fault.message ?? defaultMessage(code)));
      }
      response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId() });
      await writeEventStream(
        response,
        events,
        reply,
        // Correctly framed, CRCs and all, but the JSON inside is cut off.
        encodeEventStreamMessage(
          { ':event-type': 'contentBlockDelta', ':content-type': 'application/json', ':message-type': 'event' },
          '{"contentBlockIndex":0,"delta":{"te',
        ),
      );
    },
  },
  {
    name: 'bedrock.invoke',
    method: 'POST',
    path: /^\/model\/[^/]+\/invoke$/,
    handle({ response, url, body, reply }) {
      if (reply.fault) return sendFault(response, reply.fault);
      const modelId = decodeURIComponent(MODEL_OPERATION.exec(url.pathname)?.[1] ?? '');
      if (modelId.startsWith('amazon.titan-embed')) {
        const text = String(body?.inputText ?? '');
        sendJson(response, 200, { embedding: fakeEmbedding(text), inputTextTokenCount: text.split(/\s+/).length }, { 'x-amzn-requestid': requestId() });
        return;
      }
      if (modelId.startsWith('cohere.embed')) {
        const texts: string[] = Array.isArray(body?.texts) ? body.texts : [];
        if (texts.length > 96) return sendFault(response, { status: 400, message: 'Malformed input request: texts has more than 96 items' });
        const vectors = texts.map((text) => fakeEmbedding(text));
        const asFloatsObject = Array.isArray(body?.embedding_types);
        sendJson(response, 200, {
          id: `fake-${requestCounter}`,
          texts,
          embeddings: asFloatsObject ? { float: vectors } : vectors,
          response_type: asFloatsObject ? 'embeddings_by_type' : 'embeddings_floats',
        });
        return;
      }
      sendFault(response, { status: 400, code: 'ValidationException', message: `The fake has no InvokeModel body for ${modelId}` });
    },
  },
];

function requestId(): string {
  return `00000000-0000-4000-8000-${String(++requestCounter).padStart(12, '0')}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

// The exception Bedrock answers with for each status (as its API reference lists them).
const EXCEPTION_FOR_STATUS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

function defaultMessage(code: string): string {
  return code === 'ThrottlingException' ? 'Too many requests, please wait before trying again.' : code.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
}

/**
 * An error reply: the exception name in `x-amzn-errortype` (with the service's namespace after a
 * colon, as AWS sends it) and `{"message": ...}` as the body.
 */
function sendFault(response: ServerResponse, fault: ScriptedFault): void {
  const code = fault.code ?? EXCEPTION_FOR_STATUS[fault.status] ?? (fault.status >= 500 ? 'InternalServerException' : 'ValidationException');
  const body = fault.body ?? { message: fault.message ?? defaultMessage(code) };
  sendJson(response, fault.status, body, {
    'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': requestId(),
    ...fault.headers,
  });
}

interface ToolBlock {
  toolUseId: string;
  name: string;
  json: string;
}

function toolBlocks(reply: ScriptedReply): ToolBlock[] {
  return (reply.toolCalls ?? []).map((call, index) => ({
    toolUseId: call.id ?? `tooluse_fake${index + 1}`,
    name: call.name,
    json: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
}

function stopReason(reply: ScriptedReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_use' : 'end_turn');
}

function usageOf(reply: ScriptedReply): Record<string, number> {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  return {
    inputTokens: usage.input,
    outputTokens: usage.output,
    totalTokens: usage.input + cacheRead + cacheWrite + usage.output,
    ...(cacheRead > 0 || cacheWrite > 0 ? { cacheReadInputTokens: cacheRead, cacheWriteInputTokens: cacheWrite } : {}),
  };
}

function parseOrRaw(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function wholeReply(reply: ScriptedReply): unknown {
  const text = replyText(reply);
  const content: unknown[] = [
    ...(text !== '' ? [{ text }] : []),
    ...toolBlocks(reply).map((block) => ({ toolUse: { toolUseId: block.toolUseId, name: block.name, input: parseOrRaw(block.json) } })),
  ];
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReason(reply),
    usage: usageOf(reply),
    metrics: { latencyMs: 321 },
  };
}

function streamFrames(reply: ScriptedReply): Buffer[] {
  const frames: Buffer[] = [eventFrame('messageStart', { role: 'assistant' })];
  let index = 0;
  const chunks = replyChunks(reply);
  if (chunks.length > 0) {
    // Text blocks have no contentBlockStart: their first delta opens them.
    for (const chunk of chunks) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { text: chunk } }));
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  for (const block of toolBlocks(reply)) {
    frames.push(eventFrame('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: block.toolUseId, name: block.name } } }));
    for (const fragment of block.json.match(/.{1,12}/gs) ?? []) {
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: fragment } } }));
    }
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  frames.push(
    eventFrame('messageStop', { stopReason: stopReason(reply) }),
    eventFrame('metadata', { usage: usageOf(reply), metrics: { latencyMs: 321 } }),
  );
  return frames;
}
