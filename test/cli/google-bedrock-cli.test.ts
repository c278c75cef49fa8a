import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

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
