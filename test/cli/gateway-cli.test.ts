import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../src/usage/usage-report.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { BIN, runOpenkoi, temporaryHome } from './run-openkoi.js';

const OPENAI_KEY = 'sk-proj-fake-openai-key-0123456789';
const ANTHROPIC_KEY = 'sk-ant-api03-fake-anthropic-key-0123456789';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  fake.defaultReply = { text: 'Hello from the fake.' };
});

interface Home {
  home: string;
  openkoiHome: string;
  environment: Record<string, string>;
}
const homes: Home[] = [];
const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
  for (const home of homes.splice(0)) rmSync(home.home, { recursive: true, force: true });
});

function sharedHome(config = '', keys: Record<string, string> = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY }): Home {
  const { home, openkoiHome } = temporaryHome();
  mkdirSync(openkoiHome, { recursive: true });
  if (config) writeFileSync(join(openkoiHome, 'config.toml'), config);
  const created = { home, openkoiHome, environment: { HOME: home, OPENKOI_HOME: openkoiHome, ...keys, ...fakeVendorEnvironment(fake) } };
  homes.push(created);
  return created;
}

async function createToken(home: Home, ...flags: string[]): Promise<string> {
  const result = await runOpenkoi(['token', 'create', ...flags], home.environment);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

/** Starts `openkoi serve` and resolves with its URL once it listens (or its output if it exits first). */
function serve(home: Home, ...flags: string[]): Promise<{ url: string; stderr: () => string; process: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...flags], {
    cwd: home.home,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...home.environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve({ url: match[1]!, stderr: () => stderr, process: child });
    });
    child.on('exit', (code) => reject(new Error(`openkoi serve exited with ${code}: ${stdout}${stderr}`)));
  });
}

describe('openkoi token', () => {
  it('create prints the token alone on stdout, once; list never shows it; the database holds only a hash', async () => {
    const home = sharedHome();
    const created = await runOpenkoi(['token', 'create', '--name', 'ci', '--expires', '30d', '--models', 'openai/*', '--budget-usd', '20'], home.environment);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^okg_[A-Za-z0-9_-]{43}\n$/);
    const secret = created.stdout.trim();
    const list = await runOpenkoi(['token', 'list', '--json'], home.environment);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(secret);
    const [token] = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(token).toMatchObject({ name: 'ci', modelPattern: 'openai/*', budgetUsd: 20, state: 'valid', spentUsd: 0 });
    const thirtyDays = (token!['expiresAt'] as number) - (token!['createdAt'] as number);
    expect(Math.round(thirtyDays / 86_400_000)).toBe(30);
    for (const file of ['openkoi.db', 'openkoi.db-wal']) {
      try {
        expect(readFileSync(join(home.openkoiHome, file)).includes(secret)).toBe(false);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    const table = await runOpenkoi(['token', 'list'], home.environment);
    expect(table.stdout).toMatch(/ci\s+valid\s+openai\/\*\s+\$0\.0000\s+\$20\.00/);
  });

  it('refuses bad flags with exit 2 and creates nothing', async () => {
    const home = sharedHome();
    for (const flags of [['--expires', 'soon'], ['--budget-usd', '-3'], ['--models', ' ']]) {
      const result = await runOpenkoi(['token', 'create', '--name', 'ci', ...flags], home.environment);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(flags[0]);
      expect(result.stdout).toBe('');
    }
    const missingName = await runOpenkoi(['token', 'create'], home.environment);
    expect(missingName.code).toBe(2);
    expect(missingName.stderr).toContain('--name');
    const list = await runOpenkoi(['token', 'list', '--json'], home.environment);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('revoke NAME is honoured by a running server on the next request', async () => {
    const home = sharedHome();
    const secret = await createToken(home, '--name', 'laptop');
    const server = await serve(home);
    const client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/openai/v1`, maxRetries: 0 });
    const first = await client.chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }] });
    expect(first.choices[0]!.message.content).toBe('Hello from the fake.');
    const revoked = await runOpenkoi(['token', 'revoke', 'laptop'], home.environment);
    expect(revoked.code).toBe(0);
    const error = await client.chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    const again = await runOpenkoi(['token', 'revoke', 'laptop'], home.environment);
    expect(again.code).toBe(2);
  });
});

describe('openkoi serve', () => {
  it('serves both SDKs through [gateway.aliases], records usage per token, and status --costs shows it', async () => {
    const home = sharedHome(
      ['[gateway.aliases]', '"claude-sonnet-4-5" = "anthropic/claude-sonnet-4-6"', '"codex" = ["openai/gpt-5.2", "anthropic/claude-sonnet-4-6"]', '', '[pricing."openai/gpt-5.2"]', 'input = 1.0', 'output = 2.0', ''].join('\n'),
    );
    const secret = await createToken(home, '--name', 'ci');
    const server = await serve(home);
    fake.script('anthropic.messages', { text: 'Claude here.', usage: { input: 100, output: 10 } });
    const anthropic = new Anthropic({ authToken: secret, apiKey: null, baseURL: `${server.url}/anthropic`, maxRetries: 0 });
    const models = await anthropic.models.list();
    expect(models.data.map((model) => model.id)).toContain('claude-sonnet-4-5');
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Claude here.' }]);
    expect(fake.requestsTo('anthropic.messages')[0]!.headers['x-api-key']).toBe(ANTHROPIC_KEY);

    fake.script('openai.chat', { text: 'Codex here.', usage: { input: 1_000_000, output: 500_000 } });
    const openai = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const response = await openai.responses.create({ model: 'codex', input: 'Hi' });
    expect(response.output_text).toBe('Codex here.');

    const costs = await runOpenkoi(['status', '--costs', '--json'], home.environment);
    const report = JSON.parse(costs.stdout) as UsageReport;
    expect(report.byToken).toEqual([expect.objectContaining({ token: 'ci', calls: 2, inputTokens: 1_000_100, outputTokens: 500_010 })]);
    // $2 for the priced OpenAI call ($1 + $1 at the configured prices), plus the catalog price of the small Claude call.
    expect(report.byToken[0]!.costUsd).toBeGreaterThan(2);
    expect(report.byToken[0]!.costUsd).toBeLessThan(2.01);
    const text = await runOpenkoi(['status', '--costs'], home.environment);
    expect(text.stdout).toContain('By gateway token');
    expect(text.stdout).toMatch(/\n\s+ci\s+2\s/);
  });

  it('on SIGTERM, a stream in flight is aborted upstream and its usage so far is recorded before exit', async () => {
    const home = sharedHome();
    const secret = await createToken(home, '--name', 'ci');
    const server = await serve(home);
    fake.script('anthropic.messages', { chunks: Array.from({ length: 100 }, (_, index) => `w${index} `), eventIntervalMs: 50, usage: { input: 77, output: 500 } });
    const anthropic = new Anthropic({ apiKey: secret, baseURL: `${server.url}/anthropic`, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 900, messages: [{ role: 'user', content: 'Long' }] });
    stream.on('error', () => {});
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
    server.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    const costs = JSON.parse((await runOpenkoi(['status', '--costs', '--json'], home.environment)).stdout) as UsageReport;
    expect(costs.byToken).toEqual([expect.objectContaining({ token: 'ci', calls: 1, inputTokens: 77, failedCalls: 1 })]);
  });

  it('applies [gateway] max_body_mb and max_streams_per_token', async () => {
    const home = sharedHome(['[gateway]', 'max_body_mb = 0.001', 'max_streams_per_token = 1', ''].join('\n'));
    const secret = await createToken(home, '--name', 'ci');
    const server = await serve(home);
    const client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const large = await client.chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'x'.repeat(2000) }] }).catch((caught: unknown) => caught);
    expect((large as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    fake.script('openai.chat', { chunks: ['a', 'b', 'c'], stallAfterEvents: 2 });
    const first = await client.chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    await first[Symbol.asyncIterator]().next();
    const second = await client.chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }], stream: true }).catch((caught: unknown) => caught);
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    first.controller.abort();
  });

  it('applies [gateway] idle_timeout_s: a client that stops sending mid-request is cut with 408', async () => {
    const home = sharedHome(['[gateway]', 'idle_timeout_s = 1', ''].join('\n'));
    const secret = await createToken(home, '--name', 'ci');
    const server = await serve(home);
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`);
    // The default (60 s) would outlast this test's time limit; one second plus Node's check interval does not.
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(fake.requests).toHaveLength(0);
  });

  it('does not route a subscription sign-in to clients unless allow_subscriptions, and then only on loopback', async () => {
    const subscriptionOnly = (config: string): Home => {
      const home = sharedHome(config, { ANTHROPIC_API_KEY: ANTHROPIC_KEY });
      writeFileSync(join(home.openkoiHome, 'auth.json'), JSON.stringify({ openai: { type: 'oauth', access: 'chatgpt-access-token-fake', expires: Date.now() + 3_600_000 } }), { mode: 0o600 });
      return home;
    };
    const ask = { model: 'openai/gpt-5.2', messages: [{ role: 'user' as const, content: 'Hi' }] };

    const closed = subscriptionOnly('');
    const closedServer = await serve(closed);
    const refused = await new OpenAI({ apiKey: await createToken(closed, '--name', 'ci'), baseURL: `${closedServer.url}/v1`, maxRetries: 0 }).chat.completions.create(ask).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as Error).message).toContain('allow_subscriptions');
    expect(fake.requestsTo('openai.chat')).toHaveLength(0);

    const open = subscriptionOnly('[gateway]\nallow_subscriptions = true\n');
    const openServer = await serve(open);
    const served = await new OpenAI({ apiKey: await createToken(open, '--name', 'ci'), baseURL: `${openServer.url}/v1`, maxRetries: 0 }).chat.completions.create(ask);
    expect(served.choices[0]!.message.content).toBe('Hello from the fake.');
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
  });

  it('another host needs an explicit --host and a token, and says it is reachable beyond this machine', async () => {
    const home = sharedHome();
    const refused = await runOpenkoi(['serve', '--port', '0', '--host', '0.0.0.0'], home.environment, { timeoutMs: 10_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('needs a client token');
    await createToken(home, '--name', 'ci');
    const server = await serve(home, '--host', '0.0.0.0');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.url).toContain('0.0.0.0');
    expect(server.stderr()).toContain('reachable beyond this machine');
  });

  it('--config reads [gateway] from the file given', async () => {
    const home = sharedHome();
    const elsewhere = join(home.home, 'team-gateway.toml');
    writeFileSync(elsewhere, '[gateway.aliases]\n"claude-team" = "anthropic/claude-sonnet-4-6"\n');
    const secret = await createToken(home, '--name', 'ci');
    const server = await serve(home, '--config', elsewhere);
    const models = await new Anthropic({ apiKey: secret, baseURL: `${server.url}/anthropic`, maxRetries: 0 }).models.list();
    expect(models.data.map((model) => model.id)).toContain('claude-team');
  });

  it('a bad --port is a usage error', async () => {
    const result = await runOpenkoi(['serve', '--port', 'eighty'], sharedHome().environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port');
  });

  it('--print-env prints the lines for Codex CLI (wire_api responses) and Claude Code at the chosen port', async () => {
    const result = await runOpenkoi(['serve', '--print-env', '--port', '9911'], sharedHome().environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export OPENAI_BASE_URL=http://127.0.0.1:9911/openai/v1');
    expect(result.stdout).toContain('wire_api = "responses"');
    expect(result.stdout).toContain('env_key = "CODEX_GATEWAY_TOKEN"');
    expect(result.stdout).toContain('export ANTHROPIC_BASE_URL=http://127.0.0.1:9911/anthropic');
    expect(result.stdout).toContain('ANTHROPIC_AUTH_TOKEN=');
  });
});
