import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runTask } from '../../src/app/run-task.js';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-output-');

let fake: FakeServer;
beforeAll(async () => {
  fake = await new FakeServer(openaiRoutes).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function capture(isTTY: boolean): PassThrough & { isTTY: boolean; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; text: () => string };
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stream.isTTY = isTTY;
  stream.text = () => text;
  return stream;
}

async function run(stderrIsTTY: boolean) {
  const home = makeDirectory();
  const stdout = capture(false);
  const stderr = capture(stderrIsTTY);
  fake.script('openai.chat', planReply(['a']), { chunks: ['live ', 'executor ', 'text'] }, judgeReply(0.9));
  const code = await runTask({
    task: 'task',
    flags: { models: { executor: 'openai/m', planner: 'openai/m', evaluator: 'openai/m' } },
    environment: { OPENKOI_HOME: join(home, '.openkoi'), HOME: home, OPENAI_API_KEY: 'sk-output-test-0123456789', OPENAI_BASE_URL: `${fake.url}/v1` },
    workspace: home,
    stdout,
    stderr,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('while iterating, stdout gets only the best answer; a watching terminal sees the live text', () => {
  it('stderr on a terminal shows the executor text as it streams', async () => {
    const result = await run(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('live executor text\n');
    expect(result.stderr).toContain('[iter 1/3] executing\nlive executor text\n[iter 1/3] evaluating\n');
  });

  it('stderr redirected to a file or pipe gets progress lines only', async () => {
    const result = await run(false);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('live executor text\n');
    expect(result.stderr).not.toContain('live executor text');
  });
});

describe('-i 0 streams to stdout and ends the last line exactly once', () => {
  it.each([
    ['a reply without a final newline', 'no newline', 'no newline\n'],
    ['a reply that ends with one', 'ends with one\n', 'ends with one\n'],
  ])('%s', async (_label, reply, expected) => {
    const home = makeDirectory();
    const stdout = capture(false);
    fake.script('openai.chat', { text: reply });
    const code = await runTask({
      task: 'task',
      flags: { models: { executor: 'openai/m' }, engine: { iterations: 0 } },
      environment: { OPENKOI_HOME: join(home, '.openkoi'), HOME: home, OPENAI_API_KEY: 'sk-output-test-0123456789', OPENAI_BASE_URL: `${fake.url}/v1` },
      workspace: home,
      stdout,
      stderr: capture(false),
    });
    expect(code).toBe(0);
    expect(stdout.text()).toBe(expected);
  });
});
