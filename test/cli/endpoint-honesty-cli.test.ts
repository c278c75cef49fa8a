import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;
let home: string;
let openkoiHome: string;

// RFC 6761: a .invalid name never resolves, on any resolver.
const UNRESOLVABLE = 'openkoi-dns-test.invalid';
const OPENAI_KEY = 'sk-fake-openai-endpoint-honesty-0123';

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  ({ home, openkoiHome } = temporaryHome());
  mkdirSync(openkoiHome, { recursive: true });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** One OPENKOI_HOME shared by the runs of a test. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  return { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: 'sk-ant-fake-endpoint-honesty-0123', HOME: home, OPENKOI_HOME: openkoiHome, ...extra };
}

function withFallbackConfig(): void {
  writeFileSync(
    join(openkoiHome, 'config.toml'),
    '[models]\nexecutor = "openai/gpt-5.2"\n\n[models.fallback]\nexecutor = ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"]\n',
  );
}

function databaseText(): string {
  const database = openDatabase(join(openkoiHome, 'openkoi.db'));
  try {
    const tables = (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' AND name NOT LIKE '%vec%'").all() as Array<{ name: string }>).map((row) => row.name);
    return tables.map((table) => JSON.stringify(database.prepare(`SELECT * FROM "${table}"`).all())).join('\n');
  } finally {
    database.close();
  }
}

function cooldownRows(): Array<{ provider: string; model: string; endpoint: string; error_kind: string; message: string }> {
  const database = openDatabase(join(openkoiHome, 'openkoi.db'));
  try {
    return database.prepare('SELECT provider, model, endpoint, error_kind, message FROM cooldowns').all() as never;
  } finally {
    database.close();
  }
}

describe('a base URL whose host cannot be resolved says so', () => {
  it('names the host (never the key), is a network error that cools only that endpoint, and the fallback answers', async () => {
    withFallbackConfig();
    fake.script('anthropic.messages', { text: 'From the fallback.' }, { text: 'Fallback again.' });
    const broken = environment({ OPENAI_BASE_URL: `http://${UNRESOLVABLE}/v1` });

    const run = await runOpenkoi(['-i', '0', 'Say something'], broken);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('From the fallback.\n');
    expect(run.stderr).toContain(`host could not be resolved: "${UNRESOLVABLE}"`);
    expect(run.stderr + run.stdout).not.toContain(OPENAI_KEY);
    const rows = cooldownRows();
    expect(rows).toMatchObject([{ provider: 'openai', model: 'gpt-5.2', error_kind: 'network' }]);
    expect(rows[0]!.endpoint).toMatch(/^[0-9a-f]{16}$/);
    expect(rows[0]!.message).toContain('host could not be resolved');

    // The same broken endpoint is cooling: skipped, nothing looked up again.
    const again = await runOpenkoi(['-i', '0', 'Say it again'], broken);
    expect(again.stdout).toBe('Fallback again.\n');
    // Skipped, not tried and failed again: no fallback notice, and the fallback served it.
    expect(again.stderr).not.toContain('[fallback]');
    expect(again.stderr).toMatch(/\[done\].*executor anthropic\/claude-sonnet-4-6/);

    // The base URL fixed: another endpoint, so not cooling — the primary answers at once.
    fake.script('openai.chat', { text: 'From the fixed primary.' });
    const fixed = await runOpenkoi(['-i', '0', 'Say something else'], environment());
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toBe('From the fixed primary.\n');
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
  });
});
