import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { McpServers } from '../../../src/tools/mcp/mcp-servers.js';
import type { McpServerSpec } from '../../../src/tools/mcp/mcp-server-spec.js';
import { FakeServer } from '../../fakes/fake-server.js';
import { openaiRoutes } from '../../fakes/openai-routes.js';
import { runLoop } from '../../engine/engine-harness.js';
import { toolsAsRunner } from './tools-as-runner.js';

const root = resolve(import.meta.dirname, '../../..');
const FILESYSTEM_SERVER = join(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const EVERYTHING_SERVER = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const TINY_SERVER = join(import.meta.dirname, 'fixtures/tiny-mcp-server.mjs');

const stdio = (name: string, script: string, args: string[] = []): McpServerSpec => ({
  name,
  origin: 'config',
  transport: { kind: 'stdio', command: process.execPath, args: [script, ...args], env: {} },
});

let fake: FakeServer;
let workspace: string;
let servers: McpServers | undefined;
beforeAll(async () => {
  fake = await new FakeServer(openaiRoutes).start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  workspace = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-mcp-')));
});
afterEach(async () => {
  await servers?.close();
  servers = undefined;
  rmSync(workspace, { recursive: true, force: true });
});

async function start(specs: McpServerSpec[], startupTimeoutMs?: number): Promise<{ servers: McpServers; warnings: string[] }> {
  const warnings: string[] = [];
  servers = await McpServers.start(specs, { workspace, warn: (line) => warnings.push(line), ...(startupTimeoutMs ? { startupTimeoutMs } : {}) });
  return { servers, warnings };
}

const call = (name: string, args: Record<string, unknown>, id = `call_${name}`) => ({ toolCalls: [{ id, name, arguments: args }] });

/** Whether a process with this id is alive (signal 0 tests without sending). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The command lines of this process's children. */
function childCommandLines(): string[] {
  const listing = spawnSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return listing.stdout.split('\n').filter(Boolean);
}

describe('real MCP servers, called by the executor end to end', () => {
  it("the filesystem server's read_text_file reads a workspace file", async () => {
    writeFileSync(join(workspace, 'notes.txt'), 'the launch code is 0451\n');
    const { servers: started, warnings } = await start([stdio('fs', FILESYSTEM_SERVER, [workspace])]);
    expect(warnings).toEqual([]);
    const read = started.tools().find((tool) => tool.definition.name === 'fs__read_text_file');
    expect(read).toMatchObject({ source: 'mcp:fs', readOnly: true });
    // A tool that writes is not marked read-only by the server: it counts as a write.
    expect(started.tools().find((tool) => tool.definition.name === 'fs__write_file')?.readOnly).toBe(false);

    const tools = toolsAsRunner(() => started.tools(), workspace);
    fake.script('openai.chat', call('fs__read_text_file', { path: join(workspace, 'notes.txt') }), { text: 'The code is 0451.' });
    const { result } = await runLoop(fake, 'What is the launch code?', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('The code is 0451.');
    const requests = fake.requestsTo('openai.chat');
    const offered = requests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(offered).toContain('fs__read_text_file');
    expect(offered).toEqual([...offered].sort());
    expect(requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_fs__read_text_file', content: 'the launch code is 0451\n' });
  });

  it("the everything server's echo answers through the executor", async () => {
    const { servers: started, warnings } = await start([stdio('everything', EVERYTHING_SERVER, ['stdio'])]);
    expect(warnings).toEqual([]);
    const tools = toolsAsRunner(() => started.tools(), workspace);
    fake.script('openai.chat', call('everything__echo', { message: 'hello from openkoi' }), { text: 'echoed' });
    const { result } = await runLoop(fake, 'echo something', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('echoed');
    expect(tools.calls).toEqual(['everything__echo']);
    const toolMessage = fake.requestsTo('openai.chat')[1]!.body.messages.at(-1);
    expect(toolMessage.role).toBe('tool');
    expect(toolMessage.content).toContain('hello from openkoi');
  });
});

describe('servers that fail, change, or talk too much', () => {
  it('a server that crashes at start is a warning naming it (with its stderr), and the others still serve', async () => {
    const { servers: started, warnings } = await start([stdio('broken', TINY_SERVER, ['crash']), stdio('tiny', TINY_SERVER, ['serve'])]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/MCP server "broken" \(config\) failed to start/);
    expect(warnings[0]).toContain('cannot open the database');
    expect(started.serverNames).toEqual(['tiny']);
    expect(started.tools().map((tool) => tool.definition.name)).toEqual(['tiny__big', 'tiny__fail', 'tiny__pid', 'tiny__unlock']);
  });

  it('a program that does not exist is a warning, not a crash', async () => {
    const { servers: started, warnings } = await start([{ name: 'ghost', origin: 'config', transport: { kind: 'stdio', command: join(workspace, 'no-such-program'), args: [], env: {} } }]);
    expect(started.tools()).toEqual([]);
    expect(warnings[0]).toMatch(/MCP server "ghost" \(config\) failed to start: .*ENOENT/);
  });

  it('a server that never answers is given up after the startup timeout, and its process ended', async () => {
    const { servers: started, warnings } = await start([stdio('sleepy', TINY_SERVER, ['hang'])], 300);
    expect(started.tools()).toEqual([]);
    expect(warnings[0]).toMatch(/MCP server "sleepy" \(config\) failed to start: it did not start within 0.3 s/);
    expect(childCommandLines().filter((line) => line.includes('tiny-mcp-server.mjs hang'))).toEqual([]);
  });

  it('tools/list_changed refreshes the tools the executor offers on its next turn', async () => {
    const { servers: started } = await start([stdio('tiny', TINY_SERVER, ['serve'])]);
    const tools = toolsAsRunner(() => started.tools(), workspace);
    fake.script('openai.chat', call('tiny__unlock', {}), call('tiny__secret', { word: 'koi' }), { text: 'done' });
    const { result } = await runLoop(fake, 'unlock and use the secret', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('done');
    const requests = fake.requestsTo('openai.chat');
    const names = (index: number) => requests[index]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(names(0)).not.toContain('tiny__secret');
    expect(names(1)).toContain('tiny__secret');
    expect(requests[2]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'secret says koi' });
  });

  it("output is cut to its head and tail with a marker; an isError result stays an error", async () => {
    const warnings: string[] = [];
    servers = await McpServers.start([stdio('tiny', TINY_SERVER, ['serve'])], { workspace, warn: (line) => warnings.push(line), maxOutputChars: 1000 });
    const byName = (name: string) => servers!.tools().find((tool) => tool.definition.name === name)!;
    const big = await byName('tiny__big').run({ size: 50_000 }, { workspace });
    expect(big.isError).toBe(false);
    expect(big.output.length).toBeLessThanOrEqual(1000);
    expect(big.output.startsWith('BEGINxxx')).toBe(true);
    expect(big.output.endsWith('xxxEND')).toBe(true);
    expect(big.output).toMatch(/\[… 4\d{4} characters cut from the middle of this output …\]/);
    const failed = await byName('tiny__fail').run({}, { workspace });
    expect(failed).toMatchObject({ isError: true, output: 'the widget is broken' });
  });

  it('close() ends every server process (no orphans)', async () => {
    const { servers: started } = await start([stdio('one', TINY_SERVER, ['serve']), stdio('two', TINY_SERVER, ['serve'])]);
    const pids = await Promise.all(
      ['one__pid', 'two__pid'].map(async (name) => Number((await started.tools().find((tool) => tool.definition.name === name)!.run({}, { workspace })).output)),
    );
    expect(pids.every((pid) => Number.isInteger(pid) && pid > 0 && alive(pid))).toBe(true);
    await started.close();
    expect(pids.map(alive)).toEqual([false, false]);
    // A call after close is a tool error, not a hang.
    const after = await started.tools()[0]!.run({}, { workspace });
    expect(after.isError).toBe(true);
  });
});
