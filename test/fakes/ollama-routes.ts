import type { ServerResponse } from 'node:http';
import { sendJson, writeEventStream, type RouteDefinition } from './fake-server.js';
import { fakeEmbedding } from './openai-routes.js';
import { DEFAULT_USAGE, replyChunks, replyText, type ScriptedFault, type ScriptedReply } from './scripted-reply.js';

/**
 * Ollama REST routes for FakeServer, as the server renders them: `/api/chat` as NDJSON (one JSON
 * object a line, `application/x-ndjson`, the last with `done: true`, `done_reason` and the counts)
 * or one JSON object with `stream: false`; `/api/embed`; `/api/tags`. Errors are `{"error": "..."}`
 * with the HTTP status; an error after the 200 is an `{"error"}` line in the stream.
 */

/** The models `/api/tags` lists unless a test sets `FAKE_OLLAMA_MODELS.splice(...)`. */
export const FAKE_OLLAMA_MODELS: string[] = ['mistral:latest', 'llama3.3:70b', 'nomic-embed-text:latest'];

export const MALFORMED_OLLAMA_LINE = '{"model": broken\n';

export const ollamaRoutes: RouteDefinition[] = [
  {
    name: 'ollama.chat',
    method: 'POST',
    path: /^\/api\/chat$/,
    async handle(context) {
      const { reply, body, response } = context;
      // Ollama streams unless told otherwise.
      const streaming = body?.stream !== false;
      if (reply.fault && !(streaming && reply.faultAfterEvents !== undefined)) return sendFault(response, reply.fault);
      const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'llama3.3');
      if (!streaming) {
        sendJson(response, 200, { ...line(model, { role: 'assistant', content: replyText(reply), ...toolCalls(reply) }), ...doneFields(reply) });
        return;
      }
      const events = reply.wire?.events ? reply.wire.events.map((event) => `${JSON.stringify(event)}\n`) : streamLines(reply, model);
      if (reply.fault && reply.faultAfterEvents !== undefined) {
        events.splice(reply.faultAfterEvents, events.length, `${JSON.stringify({ error: reply.fault.message ?? 'an error was encountered while running the model' })}\n`);
      }
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      await writeEventStream(response, events, reply, MALFORMED_OLLAMA_LINE);
    },
  },
  {
    name: 'ollama.embed',
    method: 'POST',
    path: /^\/api\/embed$/,
    handle(context) {
      const { reply, body, response } = context;
      if (reply.fault) return sendFault(response, reply.fault);
      const inputs: string[] = typeof body?.input === 'string' ? [body.input] : Array.isArray(body?.input) ? body.input.map(String) : [];
      sendJson(response, 200, {
        model: body?.model ?? 'nomic-embed-text',
        embeddings: inputs.map((text) => fakeEmbedding(text)),
        total_duration: 1_000_000,
        load_duration: 100_000,
        prompt_eval_count: inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0),
      });
    },
  },
  {
    name: 'ollama.tags',
    method: 'GET',
    path: /^\/api\/tags$/,
    handle(context) {
      if (context.reply.fault) return sendFault(context.response, context.reply.fault);
      sendJson(context.response, 200, {
        models: FAKE_OLLAMA_MODELS.map((name) => ({
          name,
          model: name,
          modified_at: '2026-01-01T00:00:00Z',
          size: 4_000_000_000,
          digest: 'sha256:fake',
          details: { parent_model: '', format: 'gguf', family: name.startsWith('nomic') ? 'nomic-bert' : 'llama', families: ['llama'], parameter_size: '8B', quantization_level: 'Q4_K_M' },
        })),
      });
    },
  },
];

function line(model: string, message: Record<string, unknown>, done = false): Record<string, unknown> {
  return { model, created_at: new Date().toISOString(), message, done };
}

function toolCalls(reply: ScriptedReply): Record<string, unknown> {
  if (!reply.toolCalls || reply.toolCalls.length === 0) return {};
  return {
    tool_calls: reply.toolCalls.map((call, index) => ({
      // Ollama sends arguments as an object; `index` is what newer servers add.
      function: { index, name: call.name, arguments: typeof call.arguments === 'string' ? JSON.parse(call.arguments) : (call.arguments ?? {}) },
    })),
  };
}

function doneFields(reply: ScriptedReply): Record<string, unknown> {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    done: true,
    done_reason: reply.finishReason ?? 'stop',
    total_duration: 5_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: usage.input,
    prompt_eval_duration: 1_000_000,
    eval_count: usage.output,
    eval_duration: 3_000_000,
  };
}

/** The NDJSON lines of a streamed chat, as Ollama writes them. */
function streamLines(reply: ScriptedReply, model: string): string[] {
  const lines: string[] = [];
  for (const text of replyChunks(reply)) lines.push(`${JSON.stringify(line(model, { role: 'assistant', content: text }))}\n`);
  // Tool calls arrive whole, in one line of their own, before the final one.
  if (reply.toolCalls?.length) lines.push(`${JSON.stringify(line(model, { role: 'assistant', content: '', ...toolCalls(reply) }))}\n`);
  lines.push(`${JSON.stringify({ ...line(model, { role: 'assistant', content: '' }, true), ...doneFields(reply) })}\n`);
  return lines;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'invalid request',
  404: 'model "missing" not found, try pulling it first',
  429: 'too many requests',
  500: 'llama runner process has terminated: exit status 2',
  503: 'server busy, please try again.  maximum pending requests exceeded',
};

function sendFault(response: ServerResponse, fault: ScriptedFault): void {
  sendJson(response, fault.status, fault.body ?? { error: fault.message ?? DEFAULT_MESSAGES[fault.status] ?? `HTTP ${fault.status}` }, fault.headers);
}
