import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;
const folders: string[] = [];

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-tools-0123' };
});
afterAll(() => {
  fake.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'openkoi-tools-'));
  folders.push(path);
  return path;
}

/** The tool names the executor's first request offered. */
function offeredTools(): string[] {
  const body = fake.requestsTo('openai.chat')[0]?.body as { tools?: Array<{ function: { name: string } }> } | undefined;
  return (body?.tools ?? []).map((tool) => tool.function.name).sort();
}

describe('--mode decides which tools the executor is offered', () => {
  it('not on a terminal and no flag: read-only tools only (no write, edit or shell)', async () => {
    fake.script('openai.chat', { text: 'ok' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'look around'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(offeredTools()).toEqual(['glob', 'grep', 'list', 'read']);
    expect(result.stderr).toContain('[tools] mode read');
  });

  it('--mode auto offers the writing tools and the shell too', async () => {
    fake.script('openai.chat', { text: 'ok' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'auto', 'change things'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(offeredTools()).toEqual(expect.arrayContaining(['edit', 'read', 'shell', 'write']));
    expect(result.stderr).toContain('[tools] mode auto');
  });

  it('an unknown mode is a usage error naming the flag, nothing sent', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'yolo', 'x'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--mode');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('--workspace is the folder the tools work in', () => {
  it('a read of notes.txt returns that folder\'s file to the model', async () => {
    const workspace = folder();
    writeFileSync(join(workspace, 'notes.txt'), 'WORKSPACE-NOTES-CONTENT\n');
    fake.script('openai.chat', { toolCalls: [{ id: 'call_1', name: 'read', arguments: { path: 'notes.txt' } }] }, { text: 'read it' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--workspace', workspace, 'read the notes'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('read it\n');
    expect(JSON.stringify(fake.requestsTo('openai.chat')[1]?.body.messages)).toContain('WORKSPACE-NOTES-CONTENT');
  });

  it('a folder that does not exist is a usage error, nothing sent', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--workspace', join(folder(), 'missing'), 'x'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--workspace');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('--no-checks skips the evaluator\'s test run', () => {
  async function runWithTestCommand(extra: string[]): Promise<boolean> {
    const { home, openkoiHome } = temporaryHome();
    folders.push(home);
    mkdirSync(openkoiHome, { recursive: true });
    const marker = join(home, 'checks-ran');
    // The user's own config: its test command runs in any workspace.
    writeFileSync(join(openkoiHome, 'config.toml'), `[evaluator]\ntest_command = "touch '${marker}'"\n`);
    fake.script('openai.chat', planReply(['Do it']), { text: 'done' }, judgeReply(0.95));
    // The workspace holds the marker: checks run sandboxed, and a write outside it would not land.
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '1', '--no-memory', ...extra, 'do it'], { ...environment, HOME: home, OPENKOI_HOME: openkoiHome }, { cwd: home });
    expect(result.stdout).toBe('done\n');
    return existsSync(marker);
  }

  it('without the flag the test command runs; with --no-checks it does not', async () => {
    expect(await runWithTestCommand([])).toBe(true);
    expect(await runWithTestCommand(['--no-checks'])).toBe(false);
  });
});

describe('[engine] max_tool_rounds caps the executor\'s tool rounds', () => {
  /** Runs a model that would call `list` forever; returns how many requests reached the fake. */
  async function requestsWithRounds(rounds: number | undefined): Promise<{ requests: number; stderr: string; lastOffered: number }> {
    const { home, openkoiHome } = temporaryHome();
    folders.push(home);
    mkdirSync(openkoiHome, { recursive: true });
    if (rounds !== undefined) writeFileSync(join(openkoiHome, 'config.toml'), `[engine]\nmax_tool_rounds = ${rounds}\n`);
    // A different folder each round, so the repeated-call circuit breaker never trips first.
    const workspace = folder();
    for (let index = 0; index < 8; index++) mkdirSync(join(workspace, `d${index}`));
    const calls = Array.from({ length: 8 }, (_, index) => ({ toolCalls: [{ id: `call_${index}`, name: 'list', arguments: { path: `d${index}` } }] }));
    fake.script('openai.chat', ...calls.slice(0, rounds ?? calls.length), { text: 'final' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--no-memory', '--workspace', workspace, 'look'], { ...environment, HOME: home, OPENKOI_HOME: openkoiHome });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('final\n');
    const requests = fake.requestsTo('openai.chat');
    const last = requests.at(-1)?.body as { tools?: unknown[] } | undefined;
    return { requests: requests.length, stderr: result.stderr, lastOffered: last?.tools?.length ?? 0 };
  }

  it('2 rounds: two tool turns, then one wrap-up request without more tool calls; the default (20) lets all 8 through', async () => {
    const capped = await requestsWithRounds(2);
    expect(capped.requests).toBe(3);
    expect(capped.stderr).toContain('tool round limit (2) reached');
    expect(capped.lastOffered, 'the wrap-up request offers no tools').toBe(0);
    fake.reset();
    const uncapped = await requestsWithRounds(undefined);
    expect(uncapped.requests).toBe(9);
    expect(uncapped.stderr).not.toContain('tool round limit');
  });
});
