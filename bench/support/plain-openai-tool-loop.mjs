// The floor for bench/tools: the openai SDK alone, in a fresh process, sending the request bodies
// an openkoi run sent (BENCH_BODIES, a JSON array), each as soon as the previous streamed reply has
// ended. No tools, no executor: the server's gap here is what the SDK and Node's fetch cost by
// themselves. Run by bench/tools.mjs; not a benchmark on its own.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const bodies = JSON.parse(readFileSync(process.env.BENCH_BODIES, 'utf8'));
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
for (const body of bodies) {
  const stream = await client.chat.completions.create(body);
  for await (const chunk of stream) {
    // Read every chunk's tool calls, as a caller of the SDK would.
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) JSON.parse(call.function?.arguments ?? '{}');
  }
}
