import { afterEach, describe, expect, it } from 'vitest';
import type { ModelRef } from '../../src/model/model-ref.js';
import type { Role } from '../../src/model/role.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { OpenAIChatAdapter } from '../../src/providers/openai/openai-chat-adapter.js';
import type { ModelProvider } from '../../src/providers/model-provider.js';
import { FallbackGateway } from '../../src/routing/fallback-gateway.js';
import { UsageRecorder } from '../../src/usage/usage-recorder.js';
import { anthropicRoutes } from '../fakes/anthropic-routes.js';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { useFakeServer } from '../providers/adapter-conformance.js';
import { FakeClock, TemporaryDatabase } from '../routing/routing-harness.js';

const anthropic = useFakeServer(new FakeServer(anthropicRoutes));
const openai = useFakeServer(new FakeServer(openaiRoutes));

let temporary: TemporaryDatabase | undefined;
afterEach(() => {
  temporary?.close();
  temporary = undefined;
});

function gatewayFor(candidate: ModelRef, provider: ModelProvider, recorder: UsageRecorder): FallbackGateway {
  const chain = [candidate];
  const chains = { executor: chain, evaluator: chain, planner: chain, embedder: chain } as Record<Role, ModelRef[]>;
  return new FallbackGateway({
    chains,
    pool: { get: async () => provider },
    onAttempt: recorder.onAttempt,
    clock: new FakeClock(),
    // One attempt: the cut must be recorded, not retried away.
    policy: { ...(new FallbackGateway({ chains, pool: { get: async () => provider } }).policy), maxAttempts: 1, retryBudget: 0 },
  });
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  try {
    for await (const _event of stream) void _event;
  } catch {
    // the stream's failure is what these tests are about; the rows tell the rest
  }
}

describe('a cut stream keeps the usage the vendor reported: a partial row, not nothing', () => {
  it('an Anthropic stream cut right after message_start records its 5,000 input tokens as a partial (error) row', async () => {
    temporary = new TemporaryDatabase();
    const recorder = new UsageRecorder({ database: temporary.database });
    anthropic.script('anthropic.messages', { text: 'never arrives', usage: { input: 5_000, output: 300 }, cutAfterEvents: 1 });
    const adapter = new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: anthropic.url });

    await drain(gatewayFor({ provider: 'anthropic', model: 'claude-sonnet-4-6' }, adapter, recorder).chatStream('executor', { messages: [{ role: 'user', content: 'hi' }] }));

    const rows = temporary.database.prepare('SELECT input_tokens, output_tokens, outcome, usage_known FROM usage').all();
    expect(rows).toEqual([{ input_tokens: 5_000, output_tokens: 1, outcome: 'error', usage_known: 1 }]);
    expect(recorder.totals().usage.inputTokens).toBe(5_000);
  });
});

describe('a compatible server that sends no usage is recorded as unknown, not as a free call', () => {
  it('the row says usage_known = 0 with no cost, and counts as an unpriced call', async () => {
    temporary = new TemporaryDatabase();
    const recorder = new UsageRecorder({ database: temporary.database });
    openai.script('openai.chat', {
      wire: {
        events: [
          { id: 'l', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: null }] },
          { id: 'l', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ],
      },
    });
    const adapter = new OpenAIChatAdapter({ id: 'local', name: 'local', apiKey: 'none', baseURL: `${openai.url}/v1` });

    await drain(gatewayFor({ provider: 'local', model: 'llama' }, adapter, recorder).chatStream('executor', { messages: [{ role: 'user', content: 'hi' }] }));

    const rows = temporary.database.prepare('SELECT input_tokens, output_tokens, cost_usd, price_known, outcome, usage_known FROM usage').all();
    expect(rows).toEqual([{ input_tokens: 0, output_tokens: 0, cost_usd: null, price_known: 0, outcome: 'ok', usage_known: 0 }]);
    expect(recorder.totals()).toMatchObject({ calls: 1, unpricedCalls: 1, costUsd: 0 });
  });
});
