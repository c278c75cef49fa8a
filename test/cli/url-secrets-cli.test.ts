import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome, type CliResult } from './run-openkoi.js';

const USERINFO_SECRET = 'ollpass-userinfo-secret-7Q2';
const QUERY_SECRET = 'query-key-secret-9Z4';

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/**
 * Every file openkoi wrote under a folder, read as bytes (free pages of the database included) and
 * the database through SQLite too. config.toml is the user's own file, where they put the URL.
 */
function everythingStoredUnder(folder: string): string {
  if (!existsSync(folder)) return '';
  const texts: string[] = [];
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
      return;
    }
    if (path === join(folder, 'config.toml')) return;
    texts.push(`${path}\n${readFileSync(path, 'latin1')}`);
  };
  walk(folder);
  const databasePath = join(folder, 'openkoi.db');
  if (existsSync(databasePath)) {
    const database = openDatabase(databasePath);
    try {
      const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
      for (const { name } of tables) {
        try {
          texts.push(`${name}: ${JSON.stringify(database.prepare(`SELECT * FROM "${name}"`).all())}`);
        } catch {
          // virtual tables whose module is not loaded here: their shadow tables are read instead
        }
      }
    } finally {
      database.close();
    }
  }
  return texts.join('\n');
}

function expectNowhere(secret: string, runs: CliResult[], openkoiHome: string): void {
  for (const run of runs) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
  expect(everythingStoredUnder(openkoiHome)).not.toContain(secret);
}

function setUp(config = ''): { openkoiHome: string; environment: Record<string, string> } {
  const { home, openkoiHome } = temporaryHome();
  mkdirSync(openkoiHome, { recursive: true });
  if (config) writeFileSync(join(openkoiHome, 'config.toml'), config);
  return { openkoiHome, environment: { ...fakeVendorEnvironment(fake), HOME: home, OPENKOI_HOME: openkoiHome } };
}

describe('a password in OLLAMA_HOST is used and never shown or stored', () => {
  it('run, status and models, with the probe cache and the database: the userinfo reads [redacted]', async () => {
    const { openkoiHome, environment } = setUp();
    const host = fake.url.replace('http://', `http://olluser:${USERINFO_SECRET}@`);
    const withHost = { ...environment, OLLAMA_HOST: host };
    fake.script('ollama.chat', { chunks: ['Hi from Ollama.'] });

    const run = await runOpenkoi(['-i', '0', '-m', 'ollama/llama3.3', 'say hi'], withHost);
    const status = await runOpenkoi(['status'], withHost);
    const models = await runOpenkoi(['models'], withHost);

    // The userinfo is used (a basic-auth proxy in front of Ollama), as a header, not in the URL.
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Hi from Ollama.\n');
    const [chat] = fake.requestsTo('ollama.chat');
    expect(chat?.headers['authorization']).toBe(`Basic ${Buffer.from(`olluser:${USERINFO_SECRET}`).toString('base64')}`);
    expect(run.stderr).toContain('(local http://[redacted]@127.0.0.1:');
    expect(models.stdout).toContain('local http://[redacted]@127.0.0.1:');
    expect(JSON.parse(readFileSync(join(openkoiHome, 'cache', 'ollama-probe.json'), 'utf8')).host).toMatch(/^http:\/\/\[redacted\]@127\.0\.0\.1:\d+$/);
    expectNowhere(USERINFO_SECRET, [run, status, models], openkoiHome);
  });
});

describe('a key in a base URL\'s query is never shown or stored', () => {
  it('OPENAI_BASE_URL with ?api_key=: run (failing and cooling), status, models, the database', async () => {
    const { openkoiHome, environment } = setUp();
    const withQuery = { ...environment, OPENAI_API_KEY: 'sk-fake-url-secrets-0123', OPENAI_BASE_URL: `${fake.url}/v1?api_key=${QUERY_SECRET}` };
    fake.script('openai.chat', { fault: { status: 500 } }, { fault: { status: 500 } }, { fault: { status: 500 } });

    const run = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-5.2', 'say hi'], withQuery);
    const status = await runOpenkoi(['status'], withQuery);
    const models = await runOpenkoi(['models'], withQuery);
    const cooldowns = await runOpenkoi(['cooldowns'], withQuery);

    expectNowhere(QUERY_SECRET, [run, status, models, cooldowns], openkoiHome);
  });

  it('[providers.x] base_url with ?key= (a custom endpoint): run, status, models, the database', async () => {
    const config = `[providers.proxy]\nbase_url = "http://openkoi-url-secrets.invalid/v1?key=${QUERY_SECRET}"\ndefault_model = "m1"\n`;
    const { openkoiHome, environment } = setUp(config);

    const run = await runOpenkoi(['-i', '0', '-m', 'proxy/m1', 'say hi'], environment);
    const status = await runOpenkoi(['status'], environment);
    const models = await runOpenkoi(['models'], environment);

    expectNowhere(QUERY_SECRET, [run, status, models], openkoiHome);
  });
});
