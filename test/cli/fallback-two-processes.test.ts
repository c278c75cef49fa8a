import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const CONFIG = `
[models]
executor = "openai/gpt-5.2"

[models.fallback]
executor = ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"]
`;

describe('a rate-limited model is skipped by the next openkoi process too', () => {
  it('the first process meets a 429 and falls back; the second, right after, sends nothing to the cooling model', async () => {
    const { home, openkoiHome } = temporaryHome();
    mkdirSync(openkoiHome, { recursive: true });
    writeFileSync(join(openkoiHome, 'config.toml'), CONFIG);
    // Both processes share one OPENKOI_HOME, so one openkoi.db.
    const environment = {
      ...fakeVendorEnvironment(fake),
      OPENAI_API_KEY: 'sk-fake-openai-fallback-0123',
      ANTHROPIC_API_KEY: 'sk-ant-fake-fallback-0123',
      HOME: home,
      OPENKOI_HOME: openkoiHome,
    };
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '120' } } });
    fake.script('anthropic.messages', { text: 'First answer.' }, { text: 'Second answer.' });

    const first = await runOpenkoi(['-i', '0', 'Say something'], environment);

    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('First answer.\n');
    expect(first.stderr).toMatch(/openai\/gpt-5\.2 failed .*rate limit.*anthropic\/claude-sonnet-4-6/);
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    expect(fake.requestsTo('anthropic.messages')).toHaveLength(1);
    const database = openDatabase(join(openkoiHome, 'openkoi.db'));
    const rows = database.prepare('SELECT provider, model, error_kind, status, until_ms - updated_at AS cooling_ms FROM cooldowns').all();
    database.close();
    expect(rows).toEqual([{ provider: 'openai', model: 'gpt-5.2', error_kind: 'rate-limit', status: 429, cooling_ms: 120_000 }]);

    const second = await runOpenkoi(['-i', '0', 'Say something else'], environment);

    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('Second answer.\n');
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    expect(fake.requestsTo('anthropic.messages')).toHaveLength(2);
  });
});

describe('a model that fails mid-stream is replaced visibly, never silently spliced', () => {
  it('says on stderr which model takes over; the next one re-runs the step and stdout (a pipe) gets only its answer', async () => {
    const { home, openkoiHome } = temporaryHome();
    mkdirSync(openkoiHome, { recursive: true });
    writeFileSync(join(openkoiHome, 'config.toml'), CONFIG);
    const environment = {
      ...fakeVendorEnvironment(fake),
      OPENAI_API_KEY: 'sk-fake-openai-midstream-0123',
      ANTHROPIC_API_KEY: 'sk-ant-fake-midstream-0123',
      HOME: home,
      OPENKOI_HOME: openkoiHome,
    };
    // Role chunk, two text chunks, then the connection dies.
    fake.script('openai.chat', { chunks: ['Partial ', 'answer ', 'never finished'], cutAfterEvents: 3 });
    fake.script('anthropic.messages', { text: 'Complete answer.' });

    const result = await runOpenkoi(['-i', '0', 'Say something'], environment);

    rmSync(home, { recursive: true, force: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[fallback\] openai\/gpt-5\.2 failed mid-stream .*anthropic\/claude-sonnet-4-6 takes over and its output follows/);
    // stdout is not a terminal: the answer is written once, when final, never spliced with the dead model's text.
    expect(result.stdout).toBe('Complete answer.\n');
  });
});

describe('several openkoi processes starting at once on a fresh home share one openkoi.db', () => {
  it('four concurrent first runs all succeed: the first migration is applied once, never twice', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      fake.reset();
      const { home, openkoiHome } = temporaryHome();
      const environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-race-0123', HOME: home, OPENKOI_HOME: openkoiHome };
      fake.script('openai.chat', { text: 'one' }, { text: 'two' }, { text: 'three' }, { text: 'four' });
      const results = await Promise.all(Array.from({ length: 4 }, () => runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '0', '--no-memory', 'hi'], environment, { timeoutMs: 40_000 })));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const database = openDatabase(join(openkoiHome, 'openkoi.db'));
      expect(database.prepare('SELECT COUNT(*) AS count FROM tasks').get()).toEqual({ count: 4 });
      database.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
