// The baseline for bench/stream: the openai SDK alone streaming from the same fake, writing each
// delta to stdout as openkoi does. Run by bench/stream.mjs; not a benchmark on its own.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
const stream = await client.chat.completions.create({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'go' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  const text = chunk.choices[0]?.delta?.content;
  if (text) process.stdout.write(text);
}
process.stdout.write('\n');
