import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from '../fakes/openai-routes.js';
import { GatewayHarness } from './gateway-harness.js';

let gateway: GatewayHarness;
beforeEach(async () => {
  gateway = await GatewayHarness.start({
    aliases: { 'embed-small': 'openai/text-embedding-3-small', 'claude-fast': 'anthropic/claude-sonnet-4-6' },
    roleChains: { executor: [{ provider: 'openai', model: 'gpt-5.2' }] },
  });
});
afterEach(async () => {
  await gateway.stop();
});

describe('GET models (OpenAI shape)', () => {
  it('lists the aliases and the configured models', async () => {
    const models = await gateway.openai().models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(['embed-small', 'claude-fast', 'openai/gpt-5.2']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'openkoi' });
  });
});

describe('POST embeddings', () => {
  it('returns the upstream vectors, base64 as the SDK asks by default', async () => {
    const result = await gateway.openai().embeddings.create({ model: 'embed-small', input: ['alpha', 'beta'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
    const expected = fakeEmbedding('beta', FAKE_EMBEDDING_DIMENSIONS);
    expect(result.data[1]!.embedding[3]).toBeCloseTo(expected[3]!, 5);
    expect(gateway.fake.requestsTo('openai.embeddings')[0]!.body).toMatchObject({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
  });

  it('returns floats when asked', async () => {
    const result = await gateway.openai().embeddings.create({ model: 'openai/text-embedding-3-small', input: 'alpha', encoding_format: 'float' });
    expect(result.data[0]!.embedding[0]).toBeCloseTo(fakeEmbedding('alpha', FAKE_EMBEDDING_DIMENSIONS)[0]!, 5);
  });

  it('refuses token arrays, naming the field', async () => {
    const error = (await gateway
      .openai()
      .embeddings.create({ model: 'embed-small', input: [[1, 2, 3]] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect((error.error as { param?: string }).param).toBe('input');
  });
});
