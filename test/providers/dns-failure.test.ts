import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProvider } from '../../src/providers/create-provider.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/provider-catalog.js';
import { ProviderError } from '../../src/providers/provider-error.js';

// RFC 6761: a .invalid name never resolves, on any resolver.
const HOST = 'openkoi-adapter-dns.invalid';
const KEY = 'sk-test-dns-key-never-shown-0123';

const cases: Array<{ id: string; model: string; environment: Record<string, string> }> = [
  { id: 'openai', model: 'gpt-5.2', environment: { OPENAI_BASE_URL: `http://${HOST}/v1`, OPENAI_API_KEY: KEY } },
  { id: 'anthropic', model: 'claude-sonnet-4-6', environment: { ANTHROPIC_BASE_URL: `http://${HOST}`, ANTHROPIC_API_KEY: KEY } },
  { id: 'google', model: 'gemini-2.5-pro', environment: { GOOGLE_GEMINI_BASE_URL: `http://${HOST}`, GOOGLE_API_KEY: KEY } },
  { id: 'ollama', model: 'llama3.3', environment: { OLLAMA_HOST: `http://${HOST}:11434` } },
  {
    id: 'bedrock',
    model: 'amazon.nova-pro-v1:0',
    environment: {
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://${HOST}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEDNS',
      AWS_SECRET_ACCESS_KEY: KEY,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  },
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('an adapter whose host cannot be resolved says "host could not be resolved", naming the host', () => {
  for (const { id, model, environment } of cases) {
    it(`${id}: a network error (retryable, for this endpoint) naming ${HOST}, never the key`, async () => {
      const entry = BUILTIN_PROVIDERS.find((candidate) => candidate.id === id)!;
      // The AWS SDK's credential chain reads the process environment itself (never IMDS here).
      if (id === 'bedrock') for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
      const credential = id !== 'ollama' ? { apiKey: environment['AWS_ACCESS_KEY_ID'] ?? KEY, source: 'test' } : undefined;
      const provider = await createProvider(entry, environment, credential);
      const error = await provider.chat({ model, messages: [{ role: 'user', content: 'hello' }] }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ProviderError);
      const providerError = error as ProviderError;
      expect(providerError.kind).toBe('network');
      expect(providerError.retryable).toBe(true);
      expect(providerError.message).toContain(`host could not be resolved: "${HOST}"`);
      expect(providerError.hint).toBe(`host could not be resolved: "${HOST}"`);
      expect(providerError.message).not.toContain(KEY);
    });
  }
});
