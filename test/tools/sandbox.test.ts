import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToolSetup } from '../../src/app/build-tool-runner.js';
import { createCommandRunner } from '../../src/tools/shell/command-runner.js';
import { detectSandbox } from '../../src/tools/shell/sandbox.js';
import { temporaryDirectories } from '../temporary-directories.js';

const HAS_BWRAP = spawnSync('bwrap', ['--version']).status === 0;
const makeDirectory = temporaryDirectories('openkoi-sandbox-');

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((socket) => socket.end('hello from the host\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => server.close());

// Node is on PATH here; a one-line TCP client that prints what the server says or the error.
const connect = () => `${process.execPath} -e "require('net').connect(${port}, '127.0.0.1').on('data', (d) => process.stdout.write('got: ' + d)).on('error', (e) => { console.log('error: ' + e.code); process.exit(7); })"`;

function setup(network: boolean) {
  const workspace = realpathSync(makeDirectory());
  const sandbox = detectSandbox(process.env);
  return { workspace, sandbox, runner: createCommandRunner({ workspace, sandbox, network, killGraceMs: 200 }) };
}

describe.skipIf(!HAS_BWRAP)('the shell sandbox (bwrap)', () => {
  it('is detected here', () => {
    expect(detectSandbox(process.env)).toMatchObject({ sandboxed: true });
  });

  it('a command can write inside the workspace and cannot write outside it', async () => {
    const { workspace, runner } = setup(false);
    // A folder outside the workspace that this user can write to (the home folder).
    const outside = mkdtempSync(join(homedir(), '.openkoi-sandbox-outside-'));
    try {
      const inside = await runner.run('echo in > made-inside.txt', { cwd: workspace, timeoutMs: 20_000 });
      expect(inside).toMatchObject({ exitCode: 0, sandboxed: true });
      expect(readFileSync(join(workspace, 'made-inside.txt'), 'utf8')).toBe('in\n');
      const escape = await runner.run(`echo out > '${outside}/escaped.txt'`, { cwd: workspace, timeoutMs: 20_000 });
      expect(escape.exitCode).not.toBe(0);
      expect(escape.output).toMatch(/Read-only file system/);
      expect(existsSync(join(outside, 'escaped.txt'))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('cannot reach the network (a server on 127.0.0.1 of the host), unless [tools] network = true', async () => {
    const offline = setup(false);
    const closed = await offline.runner.run(connect(), { cwd: offline.workspace, timeoutMs: 20_000 });
    expect(closed.output).not.toContain('got: hello');
    expect(closed.output).toMatch(/error: E(CONNREFUSED|NETUNREACH)/);
    const open = setup(true);
    const reached = await open.runner.run(connect(), { cwd: open.workspace, timeoutMs: 20_000 });
    expect(reached.output).toContain('got: hello from the host');
  });

  it('[tools] network from the config reaches the runner through the tool setup', async () => {
    for (const network of [false, true]) {
      const workspace = realpathSync(makeDirectory());
      mkdirSync(join(workspace, '.home'));
      const tools = buildToolSetup({ workspace, home: join(workspace, '.home'), config: { network }, mode: 'auto', environment: process.env, onProgress: () => {}, onRefused: () => {} });
      expect(tools.sandbox.sandboxed).toBe(true);
      const result = await tools.commandRunner.run(connect(), { cwd: workspace, timeoutMs: 20_000 });
      expect(result.output.includes('got: hello'), result.output).toBe(network);
    }
  });

  it('OPENKOI_SANDBOX=off turns it off and says why; the shell then runs unsandboxed', async () => {
    expect(detectSandbox({ ...process.env, OPENKOI_SANDBOX: 'off' })).toEqual({ sandboxed: false, reason: 'turned off by OPENKOI_SANDBOX=off' });
    const workspace = realpathSync(makeDirectory());
    mkdirSync(join(workspace, '.home'));
    const tools = buildToolSetup({ workspace, home: join(workspace, '.home'), config: {}, mode: 'auto', environment: { ...process.env, OPENKOI_SANDBOX: 'off' }, onProgress: () => {}, onRefused: () => {} });
    expect(tools.sandbox.sandboxed).toBe(false);
    const result = await tools.commandRunner.run(connect(), { cwd: workspace, timeoutMs: 20_000 });
    expect(result).toMatchObject({ sandboxed: false });
    expect(result.output).toContain('got: hello');
  });

  it('a timeout in the sandbox kills the whole group too', async () => {
    const { workspace, runner } = setup(false);
    const outcome = await runner.run('sleep 60 & echo $! > child.pid; sleep 60', { cwd: workspace, timeoutMs: 1500 });
    expect(outcome.timedOut).toBe(true);
    const pid = Number(readFileSync(join(workspace, 'child.pid'), 'utf8'));
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        alive = !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        alive = false;
      }
      if (alive) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alive).toBe(false);
  });
});

describe.skipIf(HAS_BWRAP)('the shell sandbox', () => {
  it.skip('needs bwrap (Debian/Ubuntu: apt install bubblewrap); not installed on this machine', () => {});
});
