import { invalidField } from './client-error.js';
import type { RequestContext } from './gateway-server.js';
import { sendJson } from './send-json.js';

/** `POST embeddings`: strings in, vectors out (as floats, or base64 as the openai SDK asks by default). */
export async function handleEmbeddings(context: RequestContext): Promise<void> {
  const { body } = context;
  const model = body['model'];
  const input = body['input'];
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((item) => typeof item === 'string') ? (input as string[]) : invalidField('input', 'a string or an array of strings (token arrays are not supported by the gateway).');
  if (texts.length === 0) invalidField('input', 'must not be empty.');
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') invalidField('encoding_format', '"float" or "base64".');
  if (body['dimensions'] !== undefined) invalidField('dimensions', 'not supported by the gateway.');
  const { gateway } = context.route(model);
  const vectors = await gateway.embed(texts, { signal: context.signal });
  sendJson(context.response, 200, {
    object: 'list',
    model,
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector),
    })),
    // openkoi's embed call reports no token counts.
    usage: { prompt_tokens: 0, total_tokens: 0 },
  });
}
