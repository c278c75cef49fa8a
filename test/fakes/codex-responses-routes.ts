import { sendJson, writeEventStream, type RouteDefinition } from './fake-server.js';
import { fakeOAuth } from './oauth-routes.js';
import { DEFAULT_USAGE, replyChunks, type ScriptedReply } from './scripted-reply.js';

/**
 * The ChatGPT Codex backend: the Responses API at `/backend-api/codex/responses`, stricter than
 * the public one. It takes only streamed, unstored requests with instructions and an input list,
 * each rule with its own 400, and only an access token the fake OAuth server issued, with the
 * matching `chatgpt-account-id`. Replies carry the usage-window headers the backend reports.
 */
export const CODEX_QUOTA_HEADERS = {
  'x-codex-primary-used-percent': '12.5',
  'x-codex-primary-window-minutes': '300',
  'x-codex-primary-reset-after-seconds': '3600',
  'x-codex-secondary-used-percent': '40',
  'x-codex-secondary-window-minutes': '10080',
  'x-codex-secondary-reset-after-seconds': '86400',
};

let responseCounter = 0;

export const codexResponsesRoutes: RouteDefinition[] = [
  {
    name: 'codex.responses',
    method: 'POST',
    path: /^\/backend-api\/codex\/responses$/,
    async handle(context) {
      const { body, response, reply, request, server } = context;
      const state = fakeOAuth(server).openai;
      const token = String(request.headers['authorization'] ?? '').replace(/^Bearer /, '');
      if (!state.liveAccessTokens.has(token)) return sendJson(response, 401, { detail: 'Could not validate your token. Please try signing in again.' });
      if (request.headers['chatgpt-account-id'] !== state.accountId) return sendJson(response, 403, { detail: 'Account mismatch.' });
      if (body?.stream !== true) return sendJson(response, 400, { detail: 'Stream must be set to true' });
      if (body?.store !== false) return sendJson(response, 400, { detail: 'Store must be set to false' });
      if (typeof body?.instructions !== 'string' || body.instructions === '') return sendJson(response, 400, { detail: 'Instructions are required' });
      if (!Array.isArray(body?.input)) return sendJson(response, 400, { detail: 'Input must be a list' });
      if (reply.fault) return sendJson(response, reply.fault.status, reply.fault.body ?? { detail: reply.fault.message ?? `HTTP ${reply.fault.status}` }, reply.fault.headers);
      const model = reply.model ?? String(body.model ?? 'gpt-5-codex');
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...CODEX_QUOTA_HEADERS });
      await writeEventStream(response, responseEvents(reply, model), reply, 'event: response.output_text.delta\ndata: {broken\n\n');
    },
  },
];

function responseEvents(reply: ScriptedReply, model: string): string[] {
  const id = `resp_fake${++responseCounter}`;
  let sequence = 0;
  const event = (type: string, payload: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`;
  const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model, store: false };
  const events = [event('response.created', { response: { ...base, status: 'in_progress', output: [] } })];
  const output: unknown[] = [];
  const chunks = replyChunks(reply);
  if (chunks.length > 0) {
    const itemId = `msg_${id}`;
    const index = output.length;
    events.push(event('response.output_item.added', { output_index: index, item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }));
    for (const delta of chunks) events.push(event('response.output_text.delta', { item_id: itemId, output_index: index, content_index: 0, delta }));
    const item = { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: chunks.join(''), annotations: [] }] };
    events.push(event('response.output_item.done', { output_index: index, item }));
    output.push(item);
  }
  for (const [position, call] of (reply.toolCalls ?? []).entries()) {
    const itemId = `fc_${id}_${position}`;
    const index = output.length;
    const callId = call.id ?? `call_fake${position}`;
    const argumentsText = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
    events.push(event('response.output_item.added', { output_index: index, item: { id: itemId, type: 'function_call', status: 'in_progress', call_id: callId, name: call.name, arguments: '' } }));
    for (const delta of argumentsText.match(/.{1,10}/gs) ?? []) events.push(event('response.function_call_arguments.delta', { item_id: itemId, output_index: index, delta }));
    events.push(event('response.function_call_arguments.done', { item_id: itemId, output_index: index, arguments: argumentsText }));
    const item = { id: itemId, type: 'function_call', status: 'completed', call_id: callId, name: call.name, arguments: argumentsText };
    events.push(event('response.output_item.done', { output_index: index, item }));
    output.push(item);
  }
  const usage = reply.usage ?? DEFAULT_USAGE;
  const cached = usage.cacheRead ?? 0;
  const wireUsage = {
    input_tokens: usage.input + cached,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
    total_tokens: usage.input + cached + usage.output,
  };
  if (reply.finishReason === 'max_output_tokens') {
    events.push(event('response.incomplete', { response: { ...base, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output, usage: wireUsage } }));
  } else {
    events.push(event('response.completed', { response: { ...base, status: 'completed', output, usage: wireUsage } }));
  }
  return events;
}
