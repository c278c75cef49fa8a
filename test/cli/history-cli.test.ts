// `openkoi history <id>` shows one task whole — plan, each iteration's score, findings with their
// text, tool calls, model attempts, cost — and `history --prune --older-than N` deletes old tasks.
import { mkdirSync, realpathSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let root: string;
let environment: Record<string, string>;
beforeAll(async () => (fake = await startFakeVendors()));
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-history-cli-')));
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-history-0123', HOME: root, OPENKOI_HOME: join(root, '.openkoi') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface ListEntry {
  id: string;
  task: string;
  iterations: number;
}

async function list(): Promise<ListEntry[]> {
  const result = await runOpenkoi(['history', '--json'], environment);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ListEntry[];
}

/** A task of two iterations: the first with a finding and a tool call, the second accepted. */
async function runTwoIterations(): Promise<void> {
  const workspace = join(root, 'work');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'notes.txt'), 'alpha\n');
  fake.script(
    'openai.chat',
    planReply(['read the notes', 'summarise them']),
    { toolCalls: [{ id: 'call_1', name: 'read', arguments: { path: 'notes.txt' } }] },
    { text: 'first summary' },
    judgeReply(0.5, [{ severity: 'important', message: 'The summary omits the second paragraph', fix: 'Cover every paragraph' }]),
    planReply(['summarise every paragraph']),
    { text: 'second summary' },
    judgeReply(0.95),
  );
  const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '--no-memory', '--workspace', workspace, 'Summarise the notes'], environment);
  expect(result.code, result.stderr).toBe(0);
}

describe('openkoi history <id>: one task whole', () => {
  it('plan, each iteration\'s score, the finding\'s text, the tool call, the attempts and the cost', async () => {
    await runTwoIterations();
    const [entry] = await list();
    expect(entry).toMatchObject({ task: 'Summarise the notes', iterations: 2 });
    // An id prefix is enough, as in git.
    const detail = await runOpenkoi(['history', entry!.id.slice(0, 8)], environment);
    expect(detail.code, detail.stderr).toBe(0);
    const text = detail.stdout;
    expect(text).toContain(`Task ${entry!.id}`);
    expect(text).toMatch(/Iteration 1: score 0\.50/);
    expect(text).toMatch(/Iteration 2: score 0\.95 → accept/);
    expect(text).toContain('1. read the notes');
    expect(text).toContain('[important]');
    expect(text).toContain('The summary omits the second paragraph — fix: Cover every paragraph');
    expect(text).toContain('tool calls (1):');
    expect(text).toMatch(/^ {4}read notes\.txt · \d+ ms$/m);
    expect(text).toMatch(/executor openai\/gpt-4\.1: ok/);
    expect(text).toMatch(/cost\s+\$\d+\.\d{4}/);
    const json = JSON.parse((await runOpenkoi(['history', entry!.id, '--json'], environment)).stdout) as {
      iterationDetails: Array<{ toolCalls: Array<{ tool: string; summary: string; isError: boolean }>; findings: Array<{ message: string }> }>;
      calls: unknown[];
    };
    expect(json.iterationDetails[0]!.toolCalls).toEqual([{ tool: 'read', summary: 'read notes.txt', isError: false, durationMs: expect.any(Number) }]);
    expect(json.iterationDetails[0]!.findings.map((finding) => finding.message)).toEqual(['The summary omits the second paragraph']);
    expect(json.calls.length).toBeGreaterThanOrEqual(6);
  });

  it('an unknown id is an error naming it', async () => {
    await runTwoIterations();
    const result = await runOpenkoi(['history', 'zzzzzzzz'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('zzzzzzzz');
  });
});

describe('openkoi history --prune --older-than', () => {
  it('deletes the tasks older than the age, with their iterations; keeps the recent ones', async () => {
    await runTwoIterations();
    fake.reset();
    await runTwoIterations();
    const [newer, older] = await list();
    // Age one task by 100 days, as if it had run then.
    const database = openDatabase(join(root, '.openkoi', 'openkoi.db'));
    database.prepare('UPDATE tasks SET created_at = created_at - ? WHERE id = ?').run(100 * 86_400_000, older!.id);
    database.close();
    const pruned = await runOpenkoi(['history', '--prune', '--older-than', '90d'], environment);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toBe('Pruned 1 task older than 90 days.\n');
    expect((await list()).map((entry) => entry.id)).toEqual([newer!.id]);
    const check = openDatabase(join(root, '.openkoi', 'openkoi.db'));
    expect(check.prepare('SELECT COUNT(*) AS count FROM iterations WHERE task_id = ?').get(older!.id)).toEqual({ count: 0 });
    check.close();
  });

  it('--prune without --older-than, or --older-than alone, is a usage error (exit 2) that deletes nothing', async () => {
    await runTwoIterations();
    const alone = await runOpenkoi(['history', '--prune'], environment);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--older-than');
    const other = await runOpenkoi(['history', '--older-than', '90d'], environment);
    expect(other.code).toBe(2);
    expect(await list()).toHaveLength(1);
  });
});
