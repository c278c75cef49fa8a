import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;
let home: string;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** openai/gpt-5.2 alone in its chain, so a transient error is retried on the same model. */
function environmentWith(config: string): Record<string, string> {
  const paths = temporaryHome();
  home = paths.home;
  mkdirSync(paths.openkoiHome, { recursive: true });
  writeFileSync(join(paths.openkoiHome, 'config.toml'), `[models]\nexecutor = "openai/gpt-5.2"\n${config}`);
  return { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-notices-0123', HOME: home, OPENKOI_HOME: paths.openkoiHome };
}

describe('waits are visible on stderr', () => {
  it('a 429 with Retry-After 2 says which model waits, why and for how long, before the wait', async () => {
    const environment = environmentWith('');
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '2' } } }, { text: 'After the wait.' });

    const run = await runOpenkoi(['-i', '0', 'Say something'], environment);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('After the wait.\n');
    expect(run.stderr).toContain('[retry] openai/gpt-5.2 rate-limited, retrying in 2 s\n');
  });

  it('a stalled stream retried on the same model is announced as a retry, never as the model taking over from itself', async () => {
    const environment = environmentWith('\n[routing]\nidle_timeout_s = 0.5\n');
    // Role chunk and the first text, then silence until the client gives up.
    fake.script('openai.chat', { chunks: ['Partial ', 'text'], stallAfterEvents: 2 }, { chunks: ['Whole answer.'] });

    const run = await runOpenkoi(['-i', '0', 'Say something'], environment);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/openai\/gpt-5\.2 failed mid-stream \(openai\/gpt-5\.2: timeout\); retrying it/);
    expect(run.stderr).not.toMatch(/takes over/);
    expect(fake.requestsTo('openai.chat')).toHaveLength(2);
  });
});

describe('a local mistake is not an outage', () => {
  it('a key with a pasted smart quote is exit 2 naming the variable and the character, never the key; nothing sent, nothing cooled', async () => {
    const environment = { ...environmentWith(''), OPENAI_API_KEY: '\u201csk-fake-openai-quoted-0123\u201d' };

    const run = await runOpenkoi(['-i', '0', 'Say something'], environment);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Your OPENAI_API_KEY contains a smart quote “ \(U\+201C\), which cannot be sent in an HTTP header/);
    expect(run.stderr).not.toContain('sk-fake-openai-quoted-0123');
    expect(fake.requests).toHaveLength(0);
    const list = await runOpenkoi(['cooldowns'], environment);
    expect(list.stdout).toBe('Nothing is cooling down.\n');
  });

  it('a key with a line break in it names the line break', async () => {
    const environment = { ...environmentWith(''), OPENAI_API_KEY: 'sk-fake-openai\nsecond-line' };

    const run = await runOpenkoi(['-i', '0', 'Say something'], environment);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Your OPENAI_API_KEY contains a line break \(U\+000A\)/);
    expect(run.stderr).not.toContain('second-line');
    expect(fake.requests).toHaveLength(0);
  });
});
