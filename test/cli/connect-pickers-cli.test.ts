import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { BIN } from './run-openkoi.js';

// The pickers and masked prompts on a real pseudo-terminal (util-linux `script`), answered as a
// person would once each question shows.
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') === true;

let vendor: FakeServer;
let root: string;
let openkoiHome: string;
let environment: Record<string, string>;

beforeAll(async () => (vendor = await startFakeVendors()));
afterAll(async () => vendor.stop());
beforeEach(() => {
  vendor.reset();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-connect-tty-')));
  openkoiHome = join(root, 'home', '.openkoi');
  mkdirSync(openkoiHome, { recursive: true });
  writeFileSync(join(openkoiHome, 'config.toml'), `[providers.groq]\nbase_url = "${vendor.url}/openai/v1"\n`);
  environment = {
    PATH: process.env['PATH'] ?? '',
    ...fakeVendorEnvironment(vendor),
    // No Ollama either: the first-provider picker must show.
    OLLAMA_HOST: 'http://127.0.0.1:9',
    HOME: join(root, 'home'),
    OPENKOI_HOME: openkoiHome,
    NO_COLOR: '1',
    TERM: 'xterm',
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface Step {
  waitFor: string;
  send: string;
}

function runOnTerminal(args: string[], steps: Step[]): Promise<{ code: number | null; output: string; answered: number }> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let answered = 0;
    let seenUpTo = 0;
    const advance = () => {
      const step = steps[answered];
      if (!step) return;
      const index = output.indexOf(step.waitFor, seenUpTo);
      if (index < 0) return;
      seenUpTo = index + step.waitFor.length;
      answered++;
      // A moment for the prompt to finish drawing and listen, as a person's reaction time would give.
      setTimeout(() => {
        child.stdin.write(step.send);
        advance();
      }, 150);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      advance();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, output, answered });
    });
  });
}

const NO_TRACE = /Error|at .*\.js|node:internal/;

describe.skipIf(!HAS_SCRIPT)('pickers and prompts on a terminal (needs util-linux `script`)', () => {
  it('connect with no target: Ctrl-C in the picker exits 130 quietly', async () => {
    const result = await runOnTerminal(['connect'], [{ waitFor: 'Connect what?', send: '\x03' }]);
    expect(result.answered).toBe(1);
    expect(result.output).toContain('chatgpt');
    expect(result.code).toBe(130);
    expect(result.output).not.toMatch(NO_TRACE);
  });

  it('connect with no target: Ctrl-D in the picker exits 130 quietly too', async () => {
    const result = await runOnTerminal(['connect'], [{ waitFor: 'Connect what?', send: '\x04' }]);
    expect(result.answered).toBe(1);
    expect(result.code).toBe(130);
    expect(result.output).not.toMatch(NO_TRACE);
  });

  it('picking a vendor asks for the key masked, checks it and saves it; the key is never echoed', async () => {
    const key = 'gsk_typedOnTheTerminal0123456789';
    const result = await runOnTerminal(['connect'], [
      { waitFor: 'Connect what?', send: 'groq' },
      { waitFor: 'paste an API key for Groq', send: '\r' },
      { waitFor: 'API key (hidden)', send: `${key}\r` },
    ]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(openkoiHome, 'credentials', 'groq.key'), 'utf8')).toBe(`${key}\n`);
    expect(result.output).not.toContain(key);
    expect(vendor.requestsTo('openai.models')).toHaveLength(1);
  });

  it('Ctrl-C at the masked key prompt exits 130 and saves nothing', async () => {
    const result = await runOnTerminal(['connect', 'groq'], [{ waitFor: 'API key (hidden)', send: 'gsk_half\x03' }]);
    expect(result.code).toBe(130);
    expect(existsSync(join(openkoiHome, 'credentials', 'groq.key'))).toBe(false);
    expect(result.output).not.toMatch(NO_TRACE);
    expect(vendor.requests).toHaveLength(0);
  });

  it('disconnect with no target lists the connected ones plus All', async () => {
    mkdirSync(join(openkoiHome, 'credentials'), { recursive: true });
    writeFileSync(join(openkoiHome, 'credentials', 'groq.key'), 'gsk_x0123456789abcdef\n');
    writeFileSync(join(openkoiHome, 'auth.json'), JSON.stringify({ 'openai-codex': { type: 'oauth', access: 'a', refresh: 'r' } }));
    const result = await runOnTerminal(['disconnect'], [
      { waitFor: 'Disconnect what?', send: 'All' },
      { waitFor: 'every one of the 2 above', send: '\r' },
    ]);
    expect(result.code).toBe(0);
    expect(result.output).toContain('Disconnected groq');
    expect(result.output).toContain('Disconnected openai-codex');
    expect(existsSync(join(openkoiHome, 'credentials', 'groq.key'))).toBe(false);
  });

  it('the first-provider picker (no provider configured): Ctrl-C exits 130 with no stack trace', async () => {
    writeFileSync(join(openkoiHome, 'config.toml'), '');
    const result = await runOnTerminal(['-i', '0', 'say hi'], [{ waitFor: 'How do you want to start?', send: '\x03' }]);
    expect(result.answered).toBe(1);
    expect(result.code).toBe(130);
    expect(result.output).not.toMatch(NO_TRACE);
    expect(vendor.requests).toHaveLength(0);
  });
});
