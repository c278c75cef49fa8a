// Every [tools] key of the user's config.toml, each to the behaviour it sets (the run is not on a
// terminal, so the default mode would be read).
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;
const folders: string[] = [];
beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-tools-settings-0123' };
});
afterAll(() => {
  fake.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function workspace(): string {
  const path = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-tools-settings-')));
  folders.push(path);
  return path;
}

/** Runs one tool call of the fake model with the given config; returns the tool result the model got and the run. */
async function oneCall(config: string, name: string, args: Record<string, unknown>, extra: string[] = []) {
  const folder = workspace();
  fake.script('openai.chat', { toolCalls: [{ id: 'call_1', name, arguments: args }] }, { text: 'done' });
  const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--workspace', folder, ...extra, 'go'], environment, { config });
  const second = fake.requestsTo('openai.chat')[1]?.body;
  const reply = second?.messages.find((message: { role: string }) => message.role === 'tool')?.content as string | undefined;
  const offered = ((fake.requestsTo('openai.chat')[0]?.body.tools ?? []) as Array<{ function: { name: string } }>).map((tool) => tool.function.name);
  return { folder, result, reply: reply ?? '', offered };
}

describe('[tools] keys in the user config, each wired', () => {
  it('mode = "ask": the writing tools are offered; not on a terminal, a write is refused and stderr says so', async () => {
    const { folder, result, reply, offered } = await oneCall('[tools]\nmode = "ask"\n', 'write', { path: 'a.txt', content: 'x' });
    expect(result.code, result.stderr).toBe(0);
    expect(offered).toContain('write');
    expect(reply).toContain('write needs permission and nobody can be asked');
    expect(result.stderr).toContain('openkoi: write needs permission and nobody can be asked');
    expect(existsSync(join(folder, 'a.txt'))).toBe(false);
  });

  it('allow: a matching write goes through ask mode without a question', async () => {
    const { folder, reply } = await oneCall('[tools]\nmode = "ask"\nallow = ["write(notes/**)"]\n', 'write', { path: 'notes/a.md', content: 'noted\n' });
    expect(reply).toContain('created notes/a.md');
    expect(readFileSync(join(folder, 'notes', 'a.md'), 'utf8')).toBe('noted\n');
  });

  it('deny: refused even with --mode auto', async () => {
    const { folder, reply } = await oneCall('[tools]\ndeny = ["write(notes/**)"]\n', 'write', { path: 'notes/a.md', content: 'x' }, ['--mode', 'auto']);
    expect(reply).toContain('write refused by the rule deny = "write(notes/**)"');
    expect(existsSync(join(folder, 'notes'))).toBe(false);
  });

  it('ask: a matching command is asked even with --mode auto (and refused, nobody to ask)', async () => {
    const { folder, reply } = await oneCall('[tools]\nask = ["shell(touch *)"]\n', 'shell', { command: 'touch made' }, ['--mode', 'auto']);
    expect(reply).toContain('shell needs permission and nobody can be asked');
    expect(existsSync(join(folder, 'made'))).toBe(false);
  });

  it('shell_timeout_s: a long command is stopped after it', async () => {
    const { reply } = await oneCall('[tools]\nshell_timeout_s = 1\n', 'shell', { command: 'sleep 30' }, ['--mode', 'auto']);
    expect(reply).toContain('timed out after 1.0 s (process group killed)');
  });

  it('output_limit: a longer output is cut to it, the whole saved under OPENKOI_HOME', async () => {
    const { reply } = await oneCall('[tools]\noutput_limit = 1000\n', 'shell', { command: 'seq 1 5000' }, ['--mode', 'auto']);
    expect(reply).toMatch(/characters cut; whole output in \S+\/\.openkoi\/tool-output\/shell-/);
    expect(reply.length).toBeLessThan(1600);
  });
  // network: proven in test/tools/sandbox.test.ts through buildToolSetup (the [tools] table reaches it via the tests above).
});

describe('[tools] network, through the CLI and the real sandbox', () => {
  const bwrapPresent = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].some((path) => existsSync(path));
  // A command that reaches the fake vendor's own port on 127.0.0.1 (never "localhost": ::1 first).
  const probe = (port: number) => `node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('REACHED'); process.exit(0) }).on('error', (e) => { console.log('BLOCKED ' + e.code); process.exit(0) })"`;

  it.skipIf(!bwrapPresent)('without it a sandboxed command cannot connect even to 127.0.0.1; with network = true it can', async () => {
    const port = Number(new URL(fake.url).port);
    const closed = await oneCall('', 'shell', { command: probe(port) }, ['--mode', 'auto']);
    expect(closed.result.stderr).toContain('sandboxed');
    expect(closed.reply).toContain('BLOCKED');
    expect(closed.reply).not.toContain('REACHED');
    fake.reset();
    const open = await oneCall('[tools]\nnetwork = true\n', 'shell', { command: probe(port) }, ['--mode', 'auto']);
    expect(open.reply).toContain('REACHED');
  });
});
