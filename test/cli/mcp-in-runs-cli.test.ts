// MCP servers in a real run: the built openkoi starts the user's [[plugins.mcp]] servers (and a
// trusted workspace's .mcp.json), the fake model calls their tools, and the servers are gone after.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

const root = resolve(import.meta.dirname, '../..');
const FILESYSTEM_SERVER = join(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const EVERYTHING_SERVER = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const TINY_SERVER = join(root, 'test/tools/mcp/fixtures/tiny-mcp-server.mjs');

let fake: FakeServer;
let environment: Record<string, string>;
const folders: string[] = [];

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-mcp-0123' };
});
afterAll(() => {
  fake.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function folder(): string {
  const path = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-mcp-cli-')));
  folders.push(path);
  return path;
}

/** A [[plugins.mcp]] entry running `node script args…`. */
function server(name: string, script: string, args: string[] = []): string {
  return `[[plugins.mcp]]\nname = "${name}"\ncommand = ${JSON.stringify(process.execPath)}\nargs = ${JSON.stringify([script, ...args])}\n`;
}

const chatRequests = () => fake.requestsTo('openai.chat');
const offeredIn = (index: number): string[] =>
  ((chatRequests()[index]?.body as { tools?: Array<{ function: { name: string } }> } | undefined)?.tools ?? []).map((tool) => tool.function.name);
const messagesOf = (index: number): string => JSON.stringify(chatRequests()[index]?.body.messages);

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Processes anywhere on the machine whose command line holds this text. */
function processesMentioning(text: string): string[] {
  const listing = spawnSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return listing.stdout.split('\n').filter((line) => line.includes(text) && !line.startsWith('ps '));
}

describe('the executor calls MCP tools of the servers in the user config', () => {
  it("everything__echo and the filesystem server's read tool, end to end; the servers are gone after the run", async () => {
    const workspace = folder();
    writeFileSync(join(workspace, 'notes.txt'), 'the launch code is 0451\n');
    fake.script(
      'openai.chat',
      { toolCalls: [{ id: 'call_echo', name: 'everything__echo', arguments: { message: 'hello from openkoi' } }] },
      { toolCalls: [{ id: 'call_read', name: 'fs__read_text_file', arguments: { path: join(workspace, 'notes.txt') } }] },
      { text: 'The code is 0451.' },
    );
    const config = server('everything', EVERYTHING_SERVER, ['stdio']) + server('fs', FILESYSTEM_SERVER, [workspace]);
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'auto', '--workspace', workspace, 'echo, then read the notes'], environment, { config, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('The code is 0451.\n');
    expect(offeredIn(0)).toEqual(expect.arrayContaining(['everything__echo', 'fs__read_text_file', 'read', 'shell']));
    expect(messagesOf(1)).toContain('Echo: hello from openkoi');
    expect(messagesOf(2)).toContain('the launch code is 0451');
    expect(result.stderr).toMatch(/\[mcp\] .*everything \(\d+ tools\)/);
    expect(result.stderr).toContain('[tool] everything__echo');
    // The filesystem server was started with the workspace as its argument: nothing mentions it now.
    expect(processesMentioning(workspace)).toEqual([]);
  }, 90_000);

  it('a server reached by url (Streamable HTTP): everything__echo over HTTP, end to end', async () => {
    const port = await freePort();
    const remote = spawn(process.execPath, [EVERYTHING_SERVER, 'streamableHttp'], { env: { PATH: process.env['PATH'] ?? '', PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let stderr = '';
        remote.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (stderr.includes('listening on port')) resolve();
        });
        remote.on('exit', (code) => reject(new Error(`the everything server exited with ${code}: ${stderr}`)));
      });
      fake.script('openai.chat', { toolCalls: [{ id: 'call_echo', name: 'remote__echo', arguments: { message: 'hello over http' } }] }, { text: 'echoed' });
      const config = `[[plugins.mcp]]\nname = "remote"\nurl = "http://127.0.0.1:${port}/mcp"\n`;
      const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'auto', 'echo over http'], environment, { config, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(offeredIn(0)).toContain('remote__echo');
      expect(messagesOf(1)).toContain('Echo: hello over http');
      expect(result.stderr).toContain('[tool] remote__echo');
    } finally {
      remote.kill('SIGKILL');
    }
  }, 90_000);

  it("a file an MCP server's tool writes is in the change report (the filesystem server's write_file)", async () => {
    const workspace = folder();
    writeFileSync(join(workspace, 'notes.txt'), 'old line\n');
    fake.script('openai.chat', { toolCalls: [{ id: 'call_write', name: 'fs__write_file', arguments: { path: join(workspace, 'notes.txt'), content: 'new line\n' } }] }, { text: 'written' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'auto', '--json', '--workspace', workspace, 'rewrite the notes'], environment, { config: server('fs', FILESYSTEM_SERVER, [workspace]), timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const changes = (JSON.parse(result.stdout) as { changes: Array<{ path: string; status: string; diff: string }> }).changes;
    expect(changes).toEqual([expect.objectContaining({ path: 'notes.txt', status: 'modified', additions: 1, deletions: 1 })]);
    expect(changes[0]!.diff).toContain('-old line');
    expect(changes[0]!.diff).toContain('+new line');
    expect(result.stderr).toMatch(/\[changes\] notes\.txt\s+\| \+1 −1/);
  }, 90_000);

  it('read mode offers the tools the server marks read-only and no others', async () => {
    fake.script('openai.chat', { text: 'ok' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'look'], environment, { config: server('tiny', TINY_SERVER, ['serve']) });
    expect(result.code, result.stderr).toBe(0);
    const offered = offeredIn(0);
    expect(offered).toContain('tiny__pid');
    expect(offered).not.toContain('tiny__big');
    expect(offered).not.toContain('tiny__unlock');
  });

  it('tools/list_changed: a tool the server adds mid-run is offered on the next turn and runs', async () => {
    fake.script(
      'openai.chat',
      { toolCalls: [{ id: 'call_unlock', name: 'tiny__unlock', arguments: {} }] },
      { toolCalls: [{ id: 'call_secret', name: 'tiny__secret', arguments: { word: 'koi' } }] },
      { text: 'done' },
    );
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'auto', 'unlock it'], environment, { config: server('tiny', TINY_SERVER, ['serve']) });
    expect(result.code, result.stderr).toBe(0);
    expect(offeredIn(0)).not.toContain('tiny__secret');
    expect(offeredIn(1)).toContain('tiny__secret');
    expect(messagesOf(2)).toContain('secret says koi');
  });

  it('MCP output is cut to head and tail like shell output ([tools] output_limit)', async () => {
    fake.script('openai.chat', { toolCalls: [{ id: 'call_big', name: 'tiny__big', arguments: { size: 50_000 } }] }, { text: 'big' });
    const config = `[tools]\noutput_limit = 2000\n${server('tiny', TINY_SERVER, ['serve'])}`;
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--mode', 'auto', 'big'], environment, { config });
    expect(result.code, result.stderr).toBe(0);
    const toolMessage = JSON.stringify((chatRequests()[1]!.body.messages as Array<{ role: string }>).filter((message) => message.role === 'tool'));
    expect(toolMessage).toContain('BEGIN');
    expect(toolMessage).toContain('END');
    expect(toolMessage).toContain('characters cut from the middle');
    expect(toolMessage.length).toBeLessThan(3_000);
  });
});

describe('a server that cannot start is a warning naming it, not a failed task', () => {
  it('a server that crashes at start: a warning with its name and stderr, and the task completes', async () => {
    fake.script('openai.chat', { text: 'finished anyway' });
    const config = server('broken', TINY_SERVER, ['crash']) + server('tiny', TINY_SERVER, ['serve']);
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'go'], environment, { config });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('finished anyway\n');
    expect(result.stderr).toMatch(/openkoi: warning: MCP server "broken" \(config\) failed to start: .*cannot open the database/);
    // The other server still serves.
    expect(offeredIn(0)).toContain('tiny__pid');
  });

  it('[plugins] mcp_startup_timeout_s gives up on a server that never answers', async () => {
    fake.script('openai.chat', { text: 'finished anyway' });
    const config = `[plugins]\nmcp_startup_timeout_s = 1\n${server('slow', TINY_SERVER, ['hang'])}`;
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'go'], environment, { config });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('MCP server "slow" (config) failed to start: it did not start within 1 s');
  });
});

describe("a workspace's .mcp.json starts only when the workspace is trusted", () => {
  function projectWithMcpJson(): { workspace: string; marker: string } {
    const workspace = folder();
    const marker = join(workspace, 'mcp-json-ran');
    const mcpJson = {
      mcpServers: {
        proj: { command: process.execPath, args: [TINY_SERVER, 'serve'] },
        // Not a server: a program that leaves a mark when something starts it.
        marker: { command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`] },
      },
    };
    writeFileSync(join(workspace, '.mcp.json'), JSON.stringify(mcpJson));
    return { workspace, marker };
  }

  it('untrusted: nothing in it runs, and the warning says why; trusted: its servers start', async () => {
    const { workspace, marker } = projectWithMcpJson();
    const { openkoiHome } = temporaryHome();
    mkdirSync(openkoiHome, { recursive: true });
    const home = { ...environment, OPENKOI_HOME: openkoiHome };

    fake.script('openai.chat', { text: 'untrusted run' });
    const untrusted = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'go'], home, { cwd: workspace });
    expect(untrusted.code, untrusted.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(offeredIn(0)).not.toContain('proj__pid');
    expect(untrusted.stderr).toContain('.mcp.json (its MCP servers start only in a trusted folder)');

    const trusted = await runOpenkoi(['trust', workspace], home);
    expect(trusted.code, trusted.stderr).toBe(0);
    fake.reset();
    fake.script('openai.chat', { text: 'trusted run' });
    const run = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'go'], home, { cwd: workspace });
    expect(run.code, run.stderr).toBe(0);
    expect(offeredIn(0)).toContain('proj__pid');
    expect(existsSync(marker)).toBe(true);
    expect(run.stderr).toContain('MCP server "marker"');
  });
});
