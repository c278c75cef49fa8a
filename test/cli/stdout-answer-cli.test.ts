import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-stdout-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const EXECUTOR_FALLBACK = '[models.fallback]\nexecutor = ["openai/live-b"]\n';

describe('stdout holds only the answer, written once when it is final (stdout not a terminal)', () => {
  it('-i 0 with a mid-stream fallback: the dead model’s partial text is not spliced into the answer', async () => {
    // Role chunk, then "dead " and "partial ", then the connection is cut.
    fake.script('openai.chat', { chunks: ['dead ', 'partial ', 'never'], cutAfterEvents: 3 }, { text: 'the live answer' });
    const result = await runOpenkoi(['-i', '0', '--executor', 'openai/dead-a', 'task'], environment, { config: EXECUTOR_FALLBACK });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('the live answer\n');
    expect(fake.requestsTo('openai.chat').map((request) => request.body.model)).toEqual(['dead-a', 'live-b']);
    expect(result.stderr).toMatch(/\[fallback\] openai\/dead-a failed mid-stream .*openai\/live-b takes over/);
  });

  it('a cut stream retried on the same model does not repeat its text, and is announced as a retry', async () => {
    fake.script('openai.chat', { chunks: ['one ', 'two ', 'three'], cutAfterEvents: 3 }, { chunks: ['one ', 'two ', 'three'] });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'count'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('one two three\n');
    expect(fake.requestsTo('openai.chat')).toHaveLength(2);
    expect(result.stderr).toContain('[fallback] openai/gpt-4.1 failed mid-stream');
    expect(result.stderr).toContain('retrying it');
    expect(result.stderr).not.toContain('takes over');
  });

  it('with iterations, the live text of a fallback never reaches stdout either', async () => {
    fake.script(
      'openai.chat',
      planReply(['a']),
      { chunks: ['dead ', 'partial ', 'never'], cutAfterEvents: 3 },
      { text: 'the live answer' },
      { text: '```json\n{"scores":{"correctness":0.9,"completeness":0.9,"clarity":0.9},"findings":[],"summary":"ok"}\n```' },
    );
    const result = await runOpenkoi(['--planner', 'openai/p', '--executor', 'openai/dead-a', '--evaluator', 'openai/j', 'task'], environment, {
      config: EXECUTOR_FALLBACK,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('the live answer\n');
  });
});

describe('an empty answer is never accepted', () => {
  it('-i 0 whose reply is empty: a warning on stderr, nothing on stdout, exit 4', async () => {
    fake.script('openai.chat', { text: '' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'task'], environment);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("openkoi: warning: the executor's final answer is empty");
  });

  it('the warning shows even with --quiet', async () => {
    fake.script('openai.chat', { text: '' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--quiet', 'task'], environment);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("the executor's final answer is empty");
  });

  it('with iterations, an empty executor reply is not sent to the evaluator: exit 4', async () => {
    fake.script('openai.chat', planReply(['a']), { text: '' }, { text: 'never requested' });
    const result = await runOpenkoi(['--planner', 'openai/p', '--executor', 'openai/e', '--evaluator', 'openai/j', 'task'], environment);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toBe('');
    expect(fake.requestsTo('openai.chat').map((request) => request.body.model)).toEqual(['p', 'e']);
    expect(result.stderr).toContain('[iter 1] stop: the answer is empty');
  });
});
