import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { BIN, runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-signals-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/** Starts the built openkoi with every stream a pipe the test controls. */
function start(args: string[], extra: Record<string, string> = {}) {
  const { home, openkoiHome } = temporaryHome();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, NO_COLOR: '1', ...environment, ...extra },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const taskRow = () => {
    const database = openDatabase(join(openkoiHome, 'openkoi.db'));
    try {
      return database.prepare('SELECT status, decision FROM tasks').get();
    } finally {
      database.close();
    }
  };
  const cleanUp = () => rmSync(home, { recursive: true, force: true });
  return { child, output, closed, taskRow, cleanUp };
}

describe('SIGTERM (docker stop, timeout, a cancelled CI job) is handled like Ctrl-C', () => {
  it('the task is recorded as interrupted and the exit code is 143', async () => {
    fake.script('openai.chat', { chunks: ['partial ', 'text'], stallAfterEvents: 2 });
    const run = start(['-i', '0', '-m', 'openai/gpt-4.1', 'long task']);
    run.child.stdin.end();
    let sent = false;
    run.child.stdout.on('data', () => {
      // Once: a second SIGTERM is the user insisting, and ends the process at once.
      if (!sent && run.output.stdout.includes('partial')) {
        sent = true;
        run.child.kill('SIGTERM');
      }
    });
    const code = await run.closed;
    try {
      expect(code, run.output.stderr).toBe(143);
      expect(run.taskRow()).toEqual({ status: 'interrupted', decision: 'interrupted' });
    } finally {
      run.cleanUp();
    }
  });
});

describe('a closed stdout (openkoi … | head -1) ends the task quietly', () => {
  it('exit 0 after recording the task, no error text', async () => {
    fake.script('openai.chat', { chunks: Array.from({ length: 20000 }, (_, index) => `line ${index}\n`), eventIntervalMs: 0 });
    const run = start(['-i', '0', '-m', 'openai/gpt-4.1', 'count']);
    run.child.stdin.end();
    run.child.stdout.once('data', () => run.child.stdout.destroy());
    const code = await run.closed;
    try {
      expect(code, run.output.stderr).toBe(0);
      expect(run.output.stderr).not.toMatch(/EPIPE|Unhandled|error/i);
      expect(run.taskRow()).toEqual({ status: 'interrupted', decision: 'interrupted' });
    } finally {
      run.cleanUp();
    }
  });
});

describe('a closed stderr never aborts the task', () => {
  it('openkoi … 2>&1 >out.txt | head -1: the request is sent and the answer reaches stdout', async () => {
    fake.script('openai.chat', { text: 'the whole answer' });
    const run = start(['-i', '0', '-m', 'openai/gpt-4.1', 'answer me']);
    // The reader of stderr is gone before openkoi writes its first progress line.
    run.child.stderr.destroy();
    run.child.stdin.end();
    const code = await run.closed;
    try {
      expect(code).toBe(0);
      expect(run.output.stdout).toBe('the whole answer\n');
      expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    } finally {
      run.cleanUp();
    }
  });
});

describe('standard input', () => {
  it('--no-stdin ignores piped input', async () => {
    fake.script('openai.chat', { text: 'ok' }, { text: 'ok' });
    const withStdin = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'Summarise'], environment, { stdinFile: 'PIPED-NOTES' });
    const without = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--no-stdin', 'Summarise'], environment, { stdinFile: 'PIPED-NOTES' });
    expect(withStdin.code).toBe(0);
    expect(without.code).toBe(0);
    const bodies = fake.requestsTo('openai.chat').map((request) => JSON.stringify(request.body.messages));
    expect(bodies[0]).toContain('PIPED-NOTES');
    expect(bodies[1]).not.toContain('PIPED-NOTES');
  });

  it('a stdin that stays open and silent is not waited for silently', async () => {
    fake.script('openai.chat', { text: 'done' });
    const { home, openkoiHome } = temporaryHome();
    // A pipe whose writer says nothing until the test lets it (a harness that leaves stdin open).
    const script = `(while [ ! -f "${home}/go" ]; do sleep 0.02; done; printf 'and more') | "${process.execPath}" "${BIN}" -i 0 -m openai/gpt-4.1 'task in words'`;
    const child = spawn('sh', ['-c', script], {
      cwd: home,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, NO_COLOR: '1', ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('reading standard input')) resolve();
      });
    });
    try {
      expect(fake.requestsTo('openai.chat')).toHaveLength(0);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(home, 'go'), '');
      expect(await closed, stderr).toBe(0);
      expect(stderr).toContain('--no-stdin');
      expect(stdout).toBe('done\n');
      expect(JSON.stringify(fake.requestsTo('openai.chat')[0]?.body.messages)).toContain('and more');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
