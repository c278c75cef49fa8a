import { invalidField } from './client-error.js';
import type { RequestContext } from './gateway-server.js';
import { sendJson } from './send-json.js';
import { responseOf, ResponsesEventSink } from './openai-responses-reply.js';
import { roleRequestOfResponses } from './openai-responses-request.js';
import { pumpReplyStream } from './pump-reply-stream.js';
import { SseWriter } from './sse-writer.js';

/** `POST responses` (what Codex CLI speaks with `wire_api = "responses"`). */
export async function handleResponses(context: RequestContext): Promise<void> {
  const model = context.body['model'];
  if (typeof model !== 'string' || model.trim() === '') invalidField('model', 'required: "provider/model" or an alias from [gateway.aliases].');
  const translated = roleRequestOfResponses(context.body);
  const { request } = translated;
  const { gateway } = context.route(model);
  if (translated.omittedTools.length > 0) context.response.setHeader('x-openkoi-omitted-tools', translated.omittedTools.join(', '));
  if (context.body['stream'] !== true) {
    const reply = await gateway.chat('executor', request, { signal: context.signal });
    sendJson(context.response, 200, responseOf(reply, model, translated));
    return;
  }
  context.holdStreamSlot();
  const sse = new SseWriter(context.response);
  await pumpReplyStream(gateway.chatStream('executor', request, { signal: context.signal }), new ResponsesEventSink(sse, model, translated), {
    signal: context.signal,
    onStart: () => sse.open(),
    waitForClient: () => sse.writable(context.idleTimeoutMs),
  });
}
