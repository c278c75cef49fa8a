import type { ServerResponse } from 'node:http';
import { sendJson, writeEventStream, type RouteDefinition } from './fake-server.js';
import { fakeEmbedding } from './openai-routes.js';
import { DEFAULT_USAGE, replyChunks, replyText, type ScriptedFault, type ScriptedReply } from './scripted-reply.js';

/**
 * The Gemini API (generativelanguage.googleapis.com) for FakeServer: generateContent,
 * streamGenerateContent with `alt=sse`, embedContent / batchEmbedContents and the model list,
 * rendered as the real API renders them.
 *
 * Scripted usage follows our Usage. Gemini counts cached tokens inside `promptTokenCount` and
 * reports them again as `cachedContentTokenCount`; thinking tokens are reported as
 * `thoughtsTokenCount` *beside* `candidatesTokenCount`. So the wire's prompt count is
 * `input + cacheRead` and its candidates count is `output - reasoning`.
 */

/** The thought signature the fake attaches to the first function call of a reply. */
export const FAKE_THOUGHT_SIGNATURE = 'ZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==';

export const FAKE_GEMINI_MODELS = [
  fakeModel('gemini-2.5-pro', 'Gemini 2.5 Pro', 1_048_576, 65_536, ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'], true),
  fakeModel('gemini-2.5-flash', 'Gemini 2.5 Flash', 1_048_576, 65_536, ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'], true),
  fakeModel('gemini-embedding-001', 'Gemini Embedding 001', 2048, 1, ['embedContent', 'countTextTokens', 'countTokens'], false),
];

const MALFORMED_GEMINI_CHUNK = 'data: {"candidates": [{"content": {"parts": [{"te\n\n';

let responseCounter = 0;

// Model names may hold dots and dashes (`gemini-2.5-pro`), never a slash or a colon.
const MODEL_ACTION = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/;

export const geminiRoutes: RouteDefinition[] = [
  {
    name: 'google.generate',
    method: 'POST',
    path: /^\/v1beta\/models\/[^/:]+:generateContent$/,
    handle({ response, url, body, reply }) {
      if (reply.fault) return sendFault(response, reply.fault);
      const model = reply.model ?? modelOf(url);
      sendJson(response, 200, reply.wire?.body ?? wholeResponse(model, reply, body), { 'x-goog-request-id': `fake-${responseCounter}` });
    },
  },
  {
    name: 'google.stream',
    method: 'POST',
    path: /^\/v1beta\/models\/[^/:]+:streamGenerateContent$/,
    async handle({ response, url, body, reply }) {
      if (reply.fault && reply.faultAfterEvents === undefined) return sendFault(response, reply.fault);
      if (url.searchParams.get('alt') !== 'sse') {
        // Without alt=sse the API streams one JSON array, which the SDK never asks for.
        return sendFault(response, { status: 400, message: 'the fake only streams with alt=sse' });
      }
      const model = reply.model ?? modelOf(url);
      const events = (reply.wire?.events ?? streamEvents(model, reply, body)).map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`);
      if (reply.fault && reply.faultAfterEvents !== undefined) {
        // An error after the 200 arrives as a `data:` line holding the usual error body.
        events.splice(reply.faultAfterEvents, events.length, `data: ${JSON.stringify(faultBody(reply.fault))}\r\n\r\n`);
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-goog-request-id': `fake-${responseCounter}` });
      await writeEventStream(response, events, reply, MALFORMED_GEMINI_CHUNK);
    },
  },
  {
    name: 'google.embed',
    method: 'POST',
    path: /^\/v1beta\/models\/[^/:]+:(embedContent|batchEmbedContents)$/,
    handle({ response, url, body, reply }) {
      if (reply.fault) return sendFault(response, reply.fault);
      const action = MODEL_ACTION.exec(url.pathname)?.[2];
      if (action === 'embedContent') {
        sendJson(response, 200, { embedding: { values: fakeEmbedding(textOfContent(body?.content)) } });
        return;
      }
      const requests: any[] = Array.isArray(body?.requests) ? body.requests : [];
      if (requests.length > 100) {
        return sendFault(response, { status: 400, message: '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch' });
      }
      sendJson(response, 200, { embeddings: requests.map((request) => ({ values: fakeEmbedding(textOfContent(request?.content)) })) });
    },
  },
  {
    name: 'google.models',
    method: 'GET',
    path: /^\/v1beta\/models$/,
    handle({ response, reply }) {
      if (reply.fault) return sendFault(response, reply.fault);
      sendJson(response, 200, { models: FAKE_GEMINI_MODELS });
    },
  },
];

function modelOf(url: URL): string {
  return decodeURIComponent(MODEL_ACTION.exec(url.pathname)?.[1] ?? 'gemini-fake');
}

function textOfContent(content: any): string {
  const parts: any[] = Array.isArray(content?.parts) ? content.parts : [];
  return parts.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

function fakeModel(
  id: string,
  displayName: string,
  inputTokenLimit: number,
  outputTokenLimit: number,
  supportedGenerationMethods: string[],
  thinking: boolean,
): Record<string, unknown> {
  return {
    name: `models/${id}`,
    version: '001',
    displayName,
    description: `${displayName} (fake)`,
    inputTokenLimit,
    outputTokenLimit,
    supportedGenerationMethods,
    ...(thinking ? { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true } : {}),
  };
}

// google.rpc.Code names, as the API puts them in `error.status`.
const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * `{error:{code,message,status,details}}`. A scripted `code` becomes the ErrorInfo reason
 * (`API_KEY_INVALID`, ...); a scripted `retry-after` header also becomes the RetryInfo delay the
 * API puts in a 429's details.
 */
function faultBody(fault: ScriptedFault): unknown {
  if (fault.body !== undefined) return fault.body;
  const details: unknown[] = [];
  if (fault.code) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: fault.code, domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } });
  }
  const retryAfter = fault.headers?.['retry-after'];
  if (retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter)) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` });
  }
  const status = STATUS_NAME[fault.status] ?? (fault.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  return {
    error: {
      code: fault.status,
      message: fault.message ?? status.toLowerCase().replace(/_/g, ' '),
      status,
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

function sendFault(response: ServerResponse, fault: ScriptedFault): void {
  // The API's error replies are JSON with a charset, which the SDK reads as JSON.
  response.writeHead(fault.status, { 'content-type': 'application/json; charset=UTF-8', ...fault.headers });
  response.end(JSON.stringify(faultBody(fault), null, 2));
}

function functionCallParts(reply: ScriptedReply): unknown[] {
  return (reply.toolCalls ?? []).map((call, index) => ({
    functionCall: {
      ...(call.id ? { id: call.id } : {}),
      name: call.name,
      args: typeof call.arguments === 'string' ? parseOrRaw(call.arguments) : (call.arguments ?? {}),
    },
    // Thinking models sign the first function call of a turn; the signature must come back.
    ...(index === 0 ? { thoughtSignature: FAKE_THOUGHT_SIGNATURE } : {}),
  }));
}

function parseOrRaw(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function finishReason(reply: ScriptedReply): string {
  // Gemini says STOP after function calls too: there is no separate tool-use reason.
  return reply.finishReason ?? 'STOP';
}

function usageMetadata(reply: ScriptedReply, final: boolean): Record<string, number> {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const cached = usage.cacheRead ?? 0;
  const prompt = usage.input + cached;
  if (!final) return { promptTokenCount: prompt, totalTokenCount: prompt };
  const thoughts = usage.reasoning ?? 0;
  const candidates = usage.output - thoughts;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function wholeResponse(model: string, reply: ScriptedReply, _body: unknown): unknown {
  responseCounter++;
  const text = replyText(reply);
  const parts = [...(text !== '' ? [{ text }] : []), ...functionCallParts(reply)];
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: finishReason(reply), index: 0 }],
    usageMetadata: usageMetadata(reply, true),
    modelVersion: model,
    responseId: `fakeResponse${responseCounter}`,
  };
}

function streamEvents(model: string, reply: ScriptedReply, _body: unknown): unknown[] {
  responseCounter++;
  const identity = { modelVersion: model, responseId: `fakeResponse${responseCounter}` };
  const events: unknown[] = replyChunks(reply).map((chunk) => ({
    candidates: [{ content: { parts: [{ text: chunk }], role: 'model' }, index: 0 }],
    usageMetadata: usageMetadata(reply, false),
    ...identity,
  }));
  // Gemini sends each function call whole, in one chunk.
  const calls = functionCallParts(reply);
  if (calls.length > 0) {
    events.push({ candidates: [{ content: { parts: calls, role: 'model' }, index: 0 }], usageMetadata: usageMetadata(reply, false), ...identity });
  }
  // A scripted empty finishReason leaves the final chunk out: a stream that ends cleanly but early.
  if (reply.finishReason === '') return events;
  // The last chunk carries the finish reason and the final counts, with an empty text part.
  events.push({
    candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: finishReason(reply), index: 0 }],
    usageMetadata: usageMetadata(reply, true),
    ...identity,
  });
  return events;
}
