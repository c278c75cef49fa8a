import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

const GOOGLE_KEY = 'AIzaSyFakeGeminiKeyForCliTests012345';
const AWS_ACCESS_KEY_ID = 'AKIAFAKECLIACCESSKEY';
const AWS_SECRET_ACCESS_KEY = 'fakeCliSecretAccessKey/0123456789abcdefghij';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), GOOGLE_API_KEY: GOOGLE_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function expectNoSecrets(...outputs: string[]): void {
  for (const output of outputs) {
    for (const secret of [GOOGLE_KEY, AWS_SECRET_ACCESS_KEY]) expect(output).not.toContain(secret);
  }
}

describe('openkoi -m google/… and bedrock/… print the reply', () => {
  it('Google: streamed through the Gemini API', async () => {
    fake.script('google.stream', { chunks: ['Hi', ' from', ' Gemini.'] });

    const result = await runOpenkoi(['-i', '0', '-m', 'google/gemini-2.5-pro', 'say hi'], environment);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hi from Gemini.\n');
    const [request] = fake.requestsTo('google.stream');
    expect(request?.path).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent');
    expect(request?.headers['x-goog-api-key']).toBe(GOOGLE_KEY);
    expect(JSON.stringify(request?.body.contents.at(-1))).toContain('say hi');
    expectNoSecrets(result.stdout, result.stderr);
  });

  it('Bedrock: streamed through ConverseStream, and the AWS SDK prints nothing about the Node version', async () => {
    fake.script('bedrock.converse-stream', { chunks: ['Hi', ' from', ' Bedrock.'] });

    const result = await runOpenkoi(['-i', '0', '-m', 'bedrock/anthropic.claude-sonnet-4-20250514', 'say hi'], environment);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hi from Bedrock.\n');
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript|Warning:/);
    const [request] = fake.requestsTo('bedrock.converse-stream');
    expect(request?.path).toBe('/model/anthropic.claude-sonnet-4-20250514/converse-stream');
    expect(request?.headers['authorization']).toContain(`Credential=${AWS_ACCESS_KEY_ID}/`);
    expect(JSON.stringify(request?.body.messages.at(-1))).toContain('say hi');
    expectNoSecrets(result.stdout, result.stderr);
  });

  it('Bedrock without AWS credentials names the variables to set, and sends nothing', async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutAws } = environment;

    const result = await runOpenkoi(['-i', '0', '-m', 'bedrock/anthropic.claude-sonnet-4-20250514', 'say hi'], withoutAws);

    // A missing credential is a setup error: exit 2, nothing sent.
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID');
    expect(fake.requestsTo('bedrock.converse-stream')).toHaveLength(0);
  });
});

describe('a Bedrock stream that ends at messageStop, with no metadata event', () => {
  it('is an accepted answer whose usage is recorded as unknown: no cost, not $0, not a cut stream', async () => {
    fake.script('bedrock.converse-stream', {
      wire: {
        events: [
          { messageStart: { role: 'assistant' } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Whole answer, ' } } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'no metadata.' } } },
          { contentBlockStop: { contentBlockIndex: 0 } },
          { messageStop: { stopReason: 'end_turn' } },
        ],
      },
    });
    const { home, openkoiHome } = temporaryHome();

    const result = await runOpenkoi(['-i', '0', '--json', '-m', 'bedrock/anthropic.claude-sonnet-4-20250514', 'say hi'], { ...environment, HOME: home, OPENKOI_HOME: openkoiHome });

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { answer: string; costKnown: boolean; iterations: Array<{ attempts: unknown[] }> };
    expect(summary.answer).toBe('Whole answer, no metadata.');
    expect(summary.costKnown).toBe(false);
    expect(summary.iterations[0]!.attempts).toEqual([expect.objectContaining({ outcome: 'ok', usageUnknown: true })]);
    expect(result.stderr).toContain('≥ $0.0000 (some usage unknown)');
    expect(result.stderr).not.toMatch(/ended before|no messageStop|failed/);
    expect(fake.requestsTo('bedrock.converse-stream')).toHaveLength(1);
    const database = openDatabase(join(openkoiHome, 'openkoi.db'));
    try {
      const rows = database.prepare('SELECT provider, input_tokens, output_tokens, cost_usd, outcome, usage_known FROM usage').all();
      expect(rows).toEqual([{ provider: 'bedrock', input_tokens: 0, output_tokens: 0, cost_usd: null, outcome: 'ok', usage_known: 0 }]);
    } finally {
      database.close();
    }
  });
});
