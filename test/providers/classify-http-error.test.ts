import { describe, expect, it } from 'vitest';
import { providerErrorFromHttp } from '../../src/providers/classify-http-error.js';
import { parseRetryAfter } from '../../src/providers/parse-retry-after.js';

const context = { provider: 'openai', providerName: 'OpenAI', model: 'gpt-4.1', secrets: ['sk-test-secret-123456'] };

describe('an HTTP failure is classified by status and vendor body', () => {
  it.each([
    [429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, 'rate-limit', true],
    [429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, 'permission', false],
    [529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'overloaded', true],
    [503, { error: { message: 'The model is overloaded' } }, 'overloaded', true],
    [500, { error: { message: 'Internal error' } }, 'server', true],
    [502, 'Bad gateway', 'server', true],
    [503, { error: { message: 'Service unavailable' } }, 'server', true],
    [504, 'Gateway timeout', 'timeout', true],
    [408, 'Request timeout', 'timeout', true],
    [401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }, 'auth', false],
    [403, { type: 'error', error: { type: 'permission_error', message: 'no access' } }, 'permission', false],
    [404, { error: { message: 'The model does not exist', code: 'model_not_found' } }, 'not-found', false],
    [400, { error: { message: "This model's maximum context length is 8192 tokens", code: 'context_length_exceeded' } }, 'context-length', false],
    [400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }, 'context-length', false],
    [400, { error: { message: 'Output blocked by content filtering policy', code: 'content_filter' } }, 'content-filter', false],
    [400, { error: { message: 'messages: field required', type: 'invalid_request_error' } }, 'invalid-request', false],
    [422, { error: 'bad field' }, 'invalid-request', false],
    [400, { error: { code: 400, message: 'Request payload size exceeds the limit', status: 'INVALID_ARGUMENT' } }, 'invalid-request', false],
    [429, { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } }, 'rate-limit', true],
  ])('HTTP %i %j → %s (retryable %s)', (status, body, kind, retryable) => {
    const error = providerErrorFromHttp(status, body, undefined, context);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.provider).toBe('openai');
    expect(error.model).toBe('gpt-4.1');
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain('openai/gpt-4.1');
  });

  it('keeps the vendor code and message', () => {
    const error = providerErrorFromHttp(429, { error: { message: 'Slow down', code: 'rate_limit_exceeded' } }, 1500, context);
    expect(error.vendorCode).toBe('rate_limit_exceeded');
    expect(error.message).toContain('Slow down');
    expect(error.retryAfterMs).toBe(1500);
  });

  it('never repeats a key the vendor echoes back', () => {
    const body = { error: { message: 'Incorrect API key provided: sk-test-secret-123456. You can find your key at ...' } };
    const error = providerErrorFromHttp(401, body, undefined, context);
    expect(error.message).not.toContain('sk-test-secret-123456');
    expect(error.message).toContain('[redacted]');
    const masked = providerErrorFromHttp(401, { error: { message: 'Incorrect API key provided: sk-proj-abcd****wxyz.' } }, undefined, context);
    expect(masked.message).not.toMatch(/sk-proj-abcd/);
  });
});

describe('Retry-After is read from every form vendors send', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('retry-after-ms wins over retry-after', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '7' }), now)).toBe(250);
  });
  it('retry-after in seconds, whole or fractional', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(parseRetryAfter({ 'Retry-After': '1.5' }, now)).toBe(1500);
  });
  it('retry-after as an HTTP date', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
  });
  it('a date in the past means no wait', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
  });
  it('absent or garbage gives undefined', () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('secrets inside URLs are redacted wherever a message quotes one', () => {
  it('userinfo and secret-looking query values read [redacted]; host, port, path and other parameters stay', async () => {
    const { redactSecrets, redactUrlSecrets } = await import('../../src/providers/redact-secrets.js');
    expect(redactUrlSecrets('at http://olluser:s3cret@proxy.example:11434/api/chat')).toBe('at http://[redacted]@proxy.example:11434/api/chat');
    expect(redactUrlSecrets('https://token-only@host/v1')).toBe('https://[redacted]@host/v1');
    expect(redactUrlSecrets('https://host/v1?key=abc123&alt=sse')).toBe('https://host/v1?key=[redacted]&alt=sse');
    expect(redactUrlSecrets('https://host/v1?alt=sse&api_key=abc123#x')).toBe('https://host/v1?alt=sse&api_key=[redacted]#x');
    expect(redactUrlSecrets('https://host/v1?access_token=abc&x-goog-api-key=def')).toBe('https://host/v1?access_token=[redacted]&x-goog-api-key=[redacted]');
    expect(redactUrlSecrets('https://host/v1?monkey=fine and mail user@example.com')).toBe('https://host/v1?monkey=fine and mail user@example.com');
    expect(redactSecrets('request to https://u:p4ss@h/v1?key=k3y failed')).toBe('request to https://[redacted]@h/v1?key=[redacted] failed');
  });

  it('a ProviderError never carries them, whoever built its message', async () => {
    const { ProviderError } = await import('../../src/providers/provider-error.js');
    const error = new ProviderError('connect to http://me:hunter2@10.0.0.1:8080/v1?api_key=k3y failed', { kind: 'network', provider: 'custom' });
    expect(error.message).toBe('connect to http://[redacted]@10.0.0.1:8080/v1?api_key=[redacted] failed');
  });
});
