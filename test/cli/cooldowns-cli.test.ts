import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;
let home: string;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());

/** One OPENKOI_HOME (one openkoi.db) shared by the runs of a test, with a fallback chain. */
function setUp(routing = ''): void {
  const paths = temporaryHome();
  home = paths.home;
  mkdirSync(paths.openkoiHome, { recursive: true });
  writeFileSync(
    join(paths.openkoiHome, 'config.toml'),
    `[models]\nexecutor = "openai/gpt-5.2"\n\n[models.fallback]\nexecutor = ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"]\n${routing}`,
  );
  environment = {
    ...fakeVendorEnvironment(fake),
    OPENAI_API_KEY: 'sk-fake-openai-cooldowns-0123',
    ANTHROPIC_API_KEY: 'sk-ant-fake-cooldowns-0123',
    HOME: home,
    OPENKOI_HOME: paths.openkoiHome,
  };
}

function coolingMs(): unknown[] {
  const database = openDatabase(join(environment['OPENKOI_HOME']!, 'openkoi.db'));
  const rows = database.prepare('SELECT provider, model, until_ms - updated_at AS cooling_ms FROM cooldowns').all();
  database.close();
  return rows;
}

beforeEach(() => fake.reset());
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('[routing] max_cooldown_s caps what a vendor asks for', () => {
  it('a 429 asking for a day cools the model for max_cooldown_s only, and openkoi cooldowns says the vendor asked for longer', async () => {
    setUp('\n[routing]\nmax_cooldown_s = 120\n');
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '86400' } } });
    fake.script('anthropic.messages', { text: 'From the fallback.' });

    const run = await runOpenkoi(['-i', '0', 'Say something'], environment);

    expect(run.code, run.stderr).toBe(0);
    expect(coolingMs()).toEqual([{ provider: 'openai', model: 'gpt-5.2', cooling_ms: 120_000 }]);
    const list = await runOpenkoi(['cooldowns'], environment);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^openai\/gpt-5\.2 {2}1[12]\d s left .*rate limit \(HTTP 429\).*the vendor asked for 86400 s; capped at max_cooldown_s = 120 s/);
  });
});

describe('openkoi cooldowns lists and clears cooldowns', () => {
  it('lists a cooling model, clears it by name, and the next run sends to it again', async () => {
    setUp();
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '300' } } }, { text: 'The primary again.' });
    fake.script('anthropic.messages', { text: 'From the fallback.' });
    expect((await runOpenkoi(['-i', '0', 'Say something'], environment)).code).toBe(0);

    const json = await runOpenkoi(['cooldowns', '--json'], environment);
    expect(JSON.parse(json.stdout)).toMatchObject({ cooldowns: [{ model: 'openai/gpt-5.2', errorKind: 'rate-limit', status: 429 }] });

    const clearOther = await runOpenkoi(['cooldowns', 'clear', 'anthropic/claude-sonnet-4-6'], environment);
    expect(clearOther.stdout).toBe('anthropic/claude-sonnet-4-6 had no cooldown; nothing changed.\n');
    const clear = await runOpenkoi(['cooldowns', 'clear', 'openai/gpt-5.2'], environment);
    expect(clear.code, clear.stderr).toBe(0);
    expect(clear.stdout).toBe('Cleared the cooldown of openai/gpt-5.2.\n');
    expect((await runOpenkoi(['cooldowns'], environment)).stdout).toBe('Nothing is cooling down.\n');

    const next = await runOpenkoi(['-i', '0', 'Say something else'], environment);
    expect(next.stdout).toBe('The primary again.\n');
    expect(fake.requestsTo('openai.chat')).toHaveLength(2);
  });

  it('clear without a model clears them all; a bad model reference is exit 2', async () => {
    setUp();
    const database = openDatabase(join(environment['OPENKOI_HOME']!, 'openkoi.db'));
    const insert = database.prepare('INSERT INTO cooldowns (provider, model, until_ms, error_kind, updated_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('openai', 'gpt-5.2', Date.now() + 600_000, 'server', Date.now());
    insert.run('anthropic', 'claude-sonnet-4-6', Date.now() + 600_000, 'overloaded', Date.now());
    database.close();

    const bad = await runOpenkoi(['cooldowns', 'clear', 'gpt-5.2'], environment);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"gpt-5\.2" must be provider\/model/);
    const clear = await runOpenkoi(['cooldowns', 'clear'], environment);
    expect(clear.stdout).toBe('Cleared 2 cooldowns.\n');
    expect(coolingMs()).toEqual([]);
  });
});

describe('--no-fallback runs only the named models', () => {
  it('a failing primary is not replaced by its fallback: nothing is sent to the fallback, and the run fails', async () => {
    setUp();
    // Longer than max_retry_wait_s: not waited out, so the chain would move on at once.
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '600' } } });
    fake.script('anthropic.messages', { text: 'From the fallback.' });

    const run = await runOpenkoi(['-i', '0', '--no-fallback', 'Say something'], environment);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/No model could serve the executor role/);
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    expect(fake.requestsTo('anthropic.messages')).toHaveLength(0);
  });
});
