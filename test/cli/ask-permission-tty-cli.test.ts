// Ask mode on a real pseudo-terminal (util-linux `script`): the default mode on a terminal asks
// before each write, showing the diff; the file changes only after "y".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { BIN } from './run-openkoi.js';

const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') === true;

let vendor: FakeServer;
let root: string;
let workspace: string;
let environment: Record<string, string>;
beforeAll(async () => (vendor = await startFakeVendors()));
afterAll(async () => vendor.stop());
beforeEach(() => {
  vendor.reset();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-ask-tty-')));
  workspace = join(root, 'project');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'a.txt'), 'old line\n');
  mkdirSync(join(root, 'home', '.openkoi'), { recursive: true });
  environment = { PATH: process.env['PATH'] ?? '', ...fakeVendorEnvironment(vendor), OPENAI_API_KEY: 'sk-fake-ask-tty-0123456789', HOME: join(root, 'home'), OPENKOI_HOME: join(root, 'home', '.openkoi'), NO_COLOR: '1', TERM: 'xterm' };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function runOnTerminal(args: string[], waitFor: string, send: string): Promise<{ code: number | null; output: string; answered: boolean }> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: workspace, env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let answered = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!answered && output.includes(waitFor)) {
        answered = true;
        setTimeout(() => child.stdin.write(send), 150);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, output, answered });
    });
  });
}

describe.skipIf(!HAS_SCRIPT)('ask mode on a terminal (needs util-linux `script`)', () => {
  const edit = { toolCalls: [{ id: 'call_1', name: 'edit', arguments: { path: 'a.txt', old_string: 'old line', new_string: 'new line' } }] };

  it('shows the diff and asks; "y" makes the edit', async () => {
    vendor.script('openai.chat', edit, { text: 'edited' });
    const result = await runOnTerminal(['-i', '0', '-m', 'openai/gpt-4.1', 'change it'], 'Allow edit?', 'y\r');
    expect(result.answered, result.output).toBe(true);
    expect(result.output).toContain('[tools] mode ask');
    expect(result.output).toContain('-old line');
    expect(result.output).toContain('+new line');
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(workspace, 'a.txt'), 'utf8')).toBe('new line\n');
  });

  it('"n": the file is untouched and the model hears the user declined', async () => {
    vendor.script('openai.chat', edit, { text: 'left it' });
    const result = await runOnTerminal(['-i', '0', '-m', 'openai/gpt-4.1', 'change it'], 'Allow edit?', 'n\r');
    expect(result.answered, result.output).toBe(true);
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(workspace, 'a.txt'), 'utf8')).toBe('old line\n');
    expect(JSON.stringify(vendor.requestsTo('openai.chat')[1]?.body.messages)).toContain('the user declined this edit call');
    expect(existsSync(join(workspace, 'a.txt'))).toBe(true);
  });
});
