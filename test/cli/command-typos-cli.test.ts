import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandTypoOf, editDistance } from '../../src/app/route-command-line.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-typos-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe('a typo of a command is not run as a paid task', () => {
  it.each([
    ['stauts', 'did you mean `openkoi status`?'],
    ['modles', 'did you mean `openkoi models`?'],
    ['turst', 'did you mean `openkoi trust`?'],
    ['version', 'did you mean `openkoi --version`?'],
    ['login', '`login` is not an openkoi command'],
    ['logout', '`logout` is not an openkoi command'],
    ['init', '`init` is not an openkoi command'],
    ['setup', '`setup` is not an openkoi command'],
  ])('openkoi %s: exit 2 with a suggestion, nothing sent', async (word, expected) => {
    fake.script('openai.chat', { text: 'should never be asked' });
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', word], environment);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).toContain(`openkoi run ${word}`);
    expect(result.stdout).toBe('');
    expect(fake.requests).toHaveLength(0);
  });

  it('openkoi run stauts still runs it as a task', async () => {
    fake.script('openai.chat', { text: 'ran as a task' });
    const result = await runOpenkoi(['run', '-i', '0', '-m', 'openai/gpt-4.1', 'stauts'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('ran as a task\n');
    expect(JSON.stringify(fake.requestsTo('openai.chat')[0]?.body.messages)).toContain('stauts');
  });

  it('a one-word task that is not close to a command runs', async () => {
    fake.script('openai.chat', { text: 'a haiku' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'haiku'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('a haiku\n');
  });

  it('openkoi status report for the build: a usage error that says how to run it as a task', async () => {
    const result = await runOpenkoi(['status', 'report', 'for', 'the', 'build'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('status:report');
    expect(result.stderr).toContain('`openkoi status` takes no arguments');
    expect(result.stderr).toContain(`openkoi run 'status report for the build'`);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('what counts as a typo', () => {
  it('a transposition is one edit', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('short words need a closer match than long ones', () => {
    expect(commandTypoOf('stats', ['status', 'models', 'trust'])).toBe('status');
    expect(commandTypoOf('test', ['status', 'models', 'trust'])).toBeUndefined();
    expect(commandTypoOf('fun', ['run'])).toBeUndefined();
    expect(commandTypoOf('Status', ['status'])).toBe('status');
  });
});
