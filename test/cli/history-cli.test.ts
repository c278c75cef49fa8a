import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let home: string;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  home = mkdtempSync(join(tmpdir(), 'openkoi-history-cli-'));
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-history-0123', ANTHROPIC_API_KEY: 'sk-ant-fake-history-0123', HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

// Priced models, so that the cost column has something true to show.
const ROLES = ['--planner', 'openai/gpt-4.1', '--executor', 'openai/gpt-4.1', '--evaluator', 'anthropic/claude-sonnet-4-5', '--no-memory'];

/** A task of two iterations: the judge's finding in the first, a better score in the second. */
async function twoIterationTask(text: string): Promise<string> {
  fake.script('openai.chat', planReply(['Rename the users column', 'Keep the old data']), { text: 'draft' }, planReply(['Rename without dropping']), { text: 'final' });
  fake.script('anthropic.messages', judgeReply(0.5, [{ severity: 'blocker', message: 'The migration drops the users table', fix: 'Rename instead' }]), judgeReply(0.9));
  const run = await runOpenkoi([...ROLES, '-i', '2', text], environment);
  expect(run.code, run.stderr).toBe(0);
  const list = JSON.parse((await runOpenkoi(['history', '--json'], environment)).stdout) as Array<{ id: string; task: string }>;
  return list.find((entry) => entry.task === text)!.id;
}

describe('openkoi history <id> shows one task in full', () => {
  it('plan, each iteration\'s score, the findings with their text, model attempts and calls with cost', async () => {
    const id = await twoIterationTask('Write the migration for the users table');
    const shown = await runOpenkoi(['history', id.slice(0, 8)], environment);
    expect(shown.code, shown.stderr).toBe(0);
    const text = shown.stdout;
    expect(text).toContain(`Task ${id}`);
    expect(text).toMatch(/Iteration 1: score 0\.50/);
    expect(text).toMatch(/Iteration 2: score 0\.90/);
    expect(text).toContain('1. Rename the users column');
    expect(text).toContain('2. Keep the old data');
    expect(text).toContain('1. Rename without dropping');
    expect(text).toContain('[blocker]');
    expect(text).toContain('The migration drops the users table — fix: Rename instead');
    // Attempts per role, then every call with its model and cost (both models are priced).
    expect(text).toMatch(/planner openai\/gpt-4\.1: \w+/);
    expect(text).toMatch(/evaluator anthropic\/claude-sonnet-4-5: \w+/);
    expect(text).toMatch(/Calls:[\s\S]*executor\s+openai\/gpt-4\.1\s+\d+\s+\d+\s+\$\d+\.\d{4}/);
    expect(text).toMatch(/cost\s+\$\d+\.\d{4}/);
    expect(text).not.toMatch(/cost\s+\$0\.0000/);

    const detail = JSON.parse((await runOpenkoi(['history', '--json', id], environment)).stdout);
    expect(detail.iterationDetails.map((iteration: { score: number }) => iteration.score)).toEqual([0.5, 0.9]);
    expect(detail.iterationDetails[0].findings[0]).toMatchObject({ severity: 'blocker', message: 'The migration drops the users table', fix: 'Rename instead' });
    expect(detail.iterationDetails[1].findings).toEqual([]);
    expect(detail.calls.map((call: { role: string }) => call.role)).toEqual(expect.arrayContaining(['planner', 'executor', 'evaluator']));
    expect(detail.costUsd).toBeGreaterThan(0);

    expect((await runOpenkoi(['history', 'zzzzzzzz'], environment)).code).toBe(2);
  }, 60_000);
});

describe('openkoi history --prune --older-than 90d', () => {
  it('deletes the tasks older than that with their iterations and findings, and keeps the rest', async () => {
    const old = await twoIterationTask('An old task about the users table');
    fake.reset();
    const recent = await twoIterationTask('A recent task about the users table');
    const path = join(home, '.openkoi', 'openkoi.db');
    const database = openDatabase(path);
    database.prepare('UPDATE tasks SET created_at = ? WHERE id = ?').run(Date.now() - 91 * 24 * 3600 * 1000, old);
    const count = (sql: string, id: string) => (database.prepare(sql).get(id) as { n: number }).n;
    const iterationsOf = 'SELECT COUNT(*) AS n FROM iterations WHERE task_id = ?';
    const findingsOf = 'SELECT COUNT(*) AS n FROM findings WHERE task_id = ?';
    expect(count(iterationsOf, old)).toBe(2);
    expect(count(findingsOf, old)).toBe(1);
    database.close();

    // Bad input changes nothing.
    expect((await runOpenkoi(['history', '--prune'], environment)).code).toBe(2);
    expect((await runOpenkoi(['history', '--prune', '--older-than', 'ninety'], environment)).code).toBe(2);
    expect(JSON.parse((await runOpenkoi(['history', '--json'], environment)).stdout)).toHaveLength(2);

    const pruned = await runOpenkoi(['history', '--prune', '--older-than', '90d'], environment);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('Pruned 1 task older than 90 days.');
    const left = JSON.parse((await runOpenkoi(['history', '--json'], environment)).stdout) as Array<{ id: string }>;
    expect(left.map((entry) => entry.id)).toEqual([recent]);
    const after = openDatabase(path);
    expect((after.prepare(iterationsOf).get(old) as { n: number }).n).toBe(0);
    expect((after.prepare(findingsOf).get(old) as { n: number }).n).toBe(0);
    expect((after.prepare(iterationsOf).get(recent) as { n: number }).n).toBe(2);
    after.close();
    // A second prune finds nothing more to delete.
    expect((await runOpenkoi(['history', '--prune', '--older-than', '90d', '--json'], environment)).stdout).toContain('"pruned": 0');
  }, 60_000);
});
