import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskSummarySchema } from '../../src/engine/task-summary.js';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-engine-0123', ANTHROPIC_API_KEY: 'sk-ant-fake-engine-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ROLES = ['--planner', 'openai/planner-a', '--executor', 'openai/executor-b', '--evaluator', 'anthropic/judge-c'];

describe('each role reaches its own vendor with its own model', () => {
  it('planner and executor on OpenAI, evaluator on Anthropic; stdout holds only the answer', async () => {
    fake.script('openai.chat', planReply(['Write it']), { chunks: ['The ', 'answer.'] });
    fake.script('anthropic.messages', judgeReply(0.92));
    const result = await runOpenkoi([...ROLES, 'Write the answer'], environment);
    expect(result.stderr).toContain('[model] evaluator anthropic/judge-c (api key, env ANTHROPIC_API_KEY)');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The answer.\n');
    expect(fake.requestsTo('openai.chat').map((request) => request.body.model)).toEqual(['planner-a', 'executor-b']);
    expect(fake.requestsTo('anthropic.messages').map((request) => request.body.model)).toEqual(['judge-c']);
    expect(result.stderr).toMatch(/\[iter 1\/3\] executing/);
    expect(result.stderr).toMatch(/\[iter 1\] score 0\.92 → accept/);
    expect(result.stderr).toMatch(/\[done\] accepted · score 0\.92/);
  });

  it('--json prints one summary that matches the schema', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'first' }, planReply(['b']), { text: 'second' });
    fake.script(
      'anthropic.messages',
      judgeReply(0.5, [{ severity: 'blocker', message: 'Incomplete', fix: 'Complete it' }]),
      judgeReply(0.9),
    );
    const result = await runOpenkoi([...ROLES, '--json', 'Do it'], environment);
    expect(result.code).toBe(0);
    const summary = taskSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.answer).toBe('second');
    expect(summary.decision).toBe('accepted');
    expect(summary.accepted).toBe(true);
    expect(summary.iterations.map((iteration) => iteration.decision)).toEqual(['continue', 'accepted']);
    expect(summary.iterations[0]?.findings).toEqual([{ severity: 'blocker', message: 'Incomplete', fix: 'Complete it' }]);
    expect(summary.iterations[0]?.attempts.map((attempt) => `${attempt.role}:${attempt.candidate}`)).toEqual([
      'planner:openai/planner-a',
      'executor:openai/executor-b',
      'evaluator:anthropic/judge-c',
    ]);
    expect(summary.models).toEqual({ planner: 'openai/planner-a', executor: 'openai/executor-b', evaluator: 'anthropic/judge-c' });
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('exit codes say how the task ended', () => {
  it('4 when the best answer stays below the threshold; the answer is still printed', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'meh' });
    fake.script('anthropic.messages', judgeReply(0.4));
    const result = await runOpenkoi([...ROLES, '-i', '1', 'task'], environment);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('meh\n');
  });

  it('3 when a budget stops the task', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'partial' });
    const result = await runOpenkoi([...ROLES, '--max-tokens', '20', 'task'], environment);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/token budget spent/);
    expect(result.stdout).toBe('partial\n');
  });

  it('2 for a bad flag value, before anything is sent', async () => {
    const result = await runOpenkoi([...ROLES, '-q', 'high', 'task'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--quality expects a number, got "high"');
    const outOfRange = await runOpenkoi([...ROLES, '-q', '1.5', 'task'], environment);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('-q/--quality: expected a value of at most 1');
    expect(fake.requests).toHaveLength(0);
  });

  it('1 when a model call fails, with the vendor error', async () => {
    fake.script('openai.chat', { fault: { status: 400, message: 'Unsupported parameter' } });
    const result = await runOpenkoi([...ROLES, 'task'], environment);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid request \(HTTP 400\).*Unsupported parameter/);
  });
});

describe('the task comes from arguments, --stdin or a pipe', () => {
  it('redirected input is appended to the arguments', async () => {
    fake.script('openai.chat', { text: 'reviewed' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'Review this diff:'], environment, { stdinFile: '+ added line' });
    expect(result.code).toBe(0);
    const prompt = JSON.stringify(fake.requestsTo('openai.chat')[0]?.body.messages);
    expect(prompt).toContain('Review this diff:\\n\\n+ added line');
  });

  it('a shell pipe is appended to the arguments', async () => {
    const { execFile } = await import('node:child_process');
    const { BIN, temporaryHome } = await import('./run-openkoi.js');
    const { home, openkoiHome } = temporaryHome();
    fake.script('openai.chat', { text: 'piped ok' });
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        'sh',
        ['-c', `printf 'line from a pipe' | "${process.execPath}" "${BIN}" -i 0 -m openai/gpt-4.1 "Summarise:"`],
        { env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, ...environment } },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    );
    expect(stdout).toBe('piped ok\n');
    expect(JSON.stringify(fake.requestsTo('openai.chat')[0]?.body.messages)).toContain('Summarise:\\n\\nline from a pipe');
  });

  it('--stdin alone gives the whole task', async () => {
    fake.script('openai.chat', { text: 'ok' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--stdin'], environment, { stdin: 'Task from stdin' });
    expect(result.code).toBe(0);
    expect(JSON.stringify(fake.requestsTo('openai.chat')[0]?.body.messages)).toContain('Task from stdin');
  });

  it('--quiet leaves stderr empty on success', async () => {
    fake.script('openai.chat', { text: 'quiet answer' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--quiet', 'hi'], environment);
    expect(result.stdout).toBe('quiet answer\n');
    expect(result.stderr).toBe('');
  });
});

describe('Ctrl-C stops the task cleanly', () => {
  it('exits 130 and records the task as interrupted', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { BIN, temporaryHome } = await import('./run-openkoi.js');
    const { openDatabase } = await import('../../src/memory/database.js');
    fake.script('openai.chat', { chunks: ['partial ', 'text'], stallAfterEvents: 2 });
    const { home, openkoiHome } = temporaryHome();
    const child = spawn(process.execPath, [BIN, '-i', '0', '-m', 'openai/gpt-4.1', 'long task'], {
      cwd: home,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The stall begins once the partial text is out: that is when the user presses Ctrl-C, once.
      if (!interrupted && stdout.includes('partial')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stdout).toContain('partial');
    const database = openDatabase(join(openkoiHome, 'openkoi.db'));
    const task = database.prepare('SELECT status, decision FROM tasks').get();
    database.close();
    expect(task).toEqual({ status: 'interrupted', decision: 'interrupted' });
  });
});

describe('a reader that stops early (openkoi ... | head) ends the task quietly', () => {
  it('no EPIPE crash: the stream is stopped, the task recorded as interrupted, and the exit is 0 (the reader had what it wanted)', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN, temporaryHome } = await import('./run-openkoi.js');
    fake.script('openai.chat', { chunks: Array.from({ length: 20000 }, (_, index) => `line ${index}\n`), eventIntervalMs: 0 });
    const { home, openkoiHome } = temporaryHome();
    const child = spawn(process.execPath, [BIN, '-i', '0', '-m', 'openai/gpt-4.1', 'count'], {
      cwd: home,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head -1`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('Unhandled');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('[done] interrupted');
  });
});
