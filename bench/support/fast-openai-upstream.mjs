// A minimal OpenAI-compatible upstream for bench/gateway: answers Chat Completions at once,
// streamed (CHUNKS deltas plus a usage chunk) or whole, so that what is measured is the gateway.
// Prints its port on stdout, then serves until killed.
import { createServer } from 'node:http';

const chunkCount = Number(process.env.BENCH_CHUNKS ?? 20);
const created = Math.floor(Date.now() / 1000);
const frame = (payload) => `data: ${JSON.stringify(payload)}\n\n`;
const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench-model' };
const streamBody =
  frame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) +
  Array.from({ length: chunkCount }, (_, index) => frame({ ...base, choices: [{ index: 0, delta: { content: `t${index} ` }, finish_reason: null }] })).join('') +
  frame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
  frame({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: chunkCount, total_tokens: 10 + chunkCount } }) +
  'data: [DONE]\n\n';
const wholeBody = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
});

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    if (body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(streamBody);
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(wholeBody);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
