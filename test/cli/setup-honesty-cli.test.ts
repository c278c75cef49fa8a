import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENVIRONMENT_KEYS, OTHER_VARIABLES } from '../../src/config/environment-overrides.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { BIN, runOpenkoi, temporaryHome, type CliResult } from './run-openkoi.js';

const GROQ_KEY = 'gsk_fake-groq-key-setup-0123456789';
/** Nothing listens on port 9 (discard): the Ollama probe fails at once. */
const NO_OLLAMA = 'http://127.0.0.1:9';

let fake: FakeServer;
const homes: string[] = [];

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => {
  fake.stop();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

/** A home with a config file; removed after the suite. */
function homeWithConfig(lines: string[]): { home: string; openkoiHome: string; config: string } {
  const { home, openkoiHome } = temporaryHome();
  homes.push(home);
  mkdirSync(openkoiHome, { recursive: true });
  const config = join(openkoiHome, 'config.toml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  return { home, openkoiHome, config };
}

describe('the default model may come from any discovered provider', () => {
  it('only a GROQ key: groq\'s default model serves the task (after the four of PROVIDERS.md)', async () => {
    const { home, openkoiHome } = homeWithConfig(['[providers.groq]', `base_url = "${fake.url}/openai/v1"`]);
    fake.script('openai.chat', { text: 'groq answered' });
    const result = await runOpenkoi(['-i', '0', 'say hi'], { HOME: home, OPENKOI_HOME: openkoiHome, GROQ_API_KEY: GROQ_KEY, OLLAMA_HOST: NO_OLLAMA });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('groq answered\n');
    expect(result.stderr).toContain('[model] executor groq/');
    expect(fake.requestsTo('openai.chat')[0]?.headers['authorization']).toBe(`Bearer ${GROQ_KEY}`);
  });

  it('a key for a provider without a default model: the message names it instead of "no provider", nothing sent', async () => {
    const { home, openkoiHome } = homeWithConfig(['[providers.mylab]', `base_url = "${fake.url}/lab/v1"`, 'api_key_env = "MYLAB_KEY"']);
    const result = await runOpenkoi(['-i', '0', 'say hi'], { HOME: home, OPENKOI_HOME: openkoiHome, MYLAB_KEY: 'sk-fake-mylab-0123456789', OLLAMA_HOST: NO_OLLAMA });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('No model provider is configured');
    expect(result.stderr).toContain('A credential was found for mylab');
    expect(result.stderr).toContain('-m mylab/<model>');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('a saved key file others can read', () => {
  async function runWithKeyMode(mode: number): Promise<CliResult> {
    const { home, openkoiHome } = homeWithConfig(['[providers.groq]', `base_url = "${fake.url}/openai/v1"`]);
    mkdirSync(join(openkoiHome, 'credentials'), { recursive: true });
    const keyFile = join(openkoiHome, 'credentials', 'groq.key');
    writeFileSync(keyFile, `${GROQ_KEY}\n`);
    chmodSync(keyFile, mode);
    fake.script('openai.chat', { text: 'ok' });
    return runOpenkoi(['-m', 'groq/llama-3.3-70b-versatile', '-i', '0', 'say hi'], { HOME: home, OPENKOI_HOME: openkoiHome });
  }

  it('0644: used, with a warning that says how to fix it (as ssh does, minus the refusal)', async () => {
    const result = await runWithKeyMode(0o644);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('can be read by other users (mode 0644)');
    expect(result.stderr).toContain('chmod 600');
    expect(result.stderr).not.toContain(GROQ_KEY);
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
  });

  it('0600: no warning', async () => {
    const result = await runWithKeyMode(0o600);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('other users');
  });
});

describe('typos in settings get a did-you-mean', () => {
  it('an unknown OPENKOI_* variable is a warning naming the close one; the run goes on', async () => {
    const { home, openkoiHome } = homeWithConfig(['[providers.groq]', `base_url = "${fake.url}/openai/v1"`]);
    fake.script('openai.chat', { text: 'ok' });
    const result = await runOpenkoi(['-m', 'groq/llama-3.3-70b-versatile', '-i', '0', 'hi'], {
      HOME: home, OPENKOI_HOME: openkoiHome, GROQ_API_KEY: GROQ_KEY, OPENKOI_ITERATONS: '2', OPENKOI_WHATEVER: '1',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('OPENKOI_ITERATONS is not an openkoi variable — did you mean OPENKOI_ITERATIONS?');
    expect(result.stderr).toMatch(/OPENKOI_WHATEVER is not an openkoi variable \(ignored\)/);
  });

  it('an unknown config key names the close one, exit 2, nothing sent', async () => {
    const { home, openkoiHome } = homeWithConfig(['[engine]', 'qualty = 0.9']);
    const result = await runOpenkoi(['-m', 'groq/llama-3.3-70b-versatile', '-i', '0', 'hi'], { HOME: home, OPENKOI_HOME: openkoiHome, GROQ_API_KEY: GROQ_KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "engine.qualty" — did you mean "engine.quality"?');
    expect(fake.requests).toHaveLength(0);
  });

  it('a flag value out of range names the flag, an environment value the variable', async () => {
    const flag = await runOpenkoi(['-m', 'groq/x', '-i', '-1', 'hi'], { GROQ_API_KEY: GROQ_KEY });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('-i/--iterate: expected a value of at least 0');
    const variable = await runOpenkoi(['-m', 'groq/x', 'hi'], { GROQ_API_KEY: GROQ_KEY, OPENKOI_QUALITY: '3' });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('OPENKOI_QUALITY: expected a value of at most 1');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('--json on a setup error prints a JSON error object on stdout', () => {
  it('a bad flag, a bad config, a missing provider: {"error": {code, message}} and exit 2', async () => {
    const badFlag = await runOpenkoi(['--json', '-q', 'high', 'hi'], {});
    expect(badFlag.code).toBe(2);
    expect(JSON.parse(badFlag.stdout)).toEqual({ error: { code: 'usage', message: expect.stringContaining('--quality'), exitCode: 2 } });

    const { home, openkoiHome } = homeWithConfig(['[engine]', 'qualty = 0.9']);
    const badConfig = await runOpenkoi(['--json', '-m', 'groq/x', 'hi'], { HOME: home, OPENKOI_HOME: openkoiHome, GROQ_API_KEY: GROQ_KEY });
    expect(badConfig.code).toBe(2);
    expect(JSON.parse(badConfig.stdout).error).toMatchObject({ code: 'config', message: expect.stringContaining('engine.qualty') });

    const noProvider = await runOpenkoi(['--json', 'hi'], { OLLAMA_HOST: NO_OLLAMA });
    expect(noProvider.code).toBe(2);
    expect(JSON.parse(noProvider.stdout).error.code).toBe('config');
    expect(fake.requests).toHaveLength(0);
  });
});

/**
 * Root is not stopped by modes, so as root the locked-out runs are made as `nobody`; that needs
 * the built openkoi to be readable by nobody (a checkout under a 0700 /root is not).
 */
const asRoot = process.getuid?.() === 0;
const nobodyCanRun =
  !asRoot ||
  (await new Promise<boolean>((resolve) => {
    const probe = spawn(process.execPath, [BIN, '--version'], { cwd: '/tmp', uid: 65534, gid: 65534, stdio: 'ignore' });
    probe.on('error', () => resolve(false));
    probe.on('close', (code) => resolve(code === 0));
  }));

describe.skipIf(!nobodyCanRun)('permission problems on OPENKOI_HOME say so, with the path, and exit 2 (skipped only as root with a checkout nobody can read)', () => {
  /**
   * A home this user may not enter. Tests often run as root, whom modes do not stop: then the
   * run is made as `nobody`, for whom a root-owned 0700 folder is closed.
   */
  function runLockedOut(args: string[]): Promise<CliResult & { locked: string }> {
    const { home, openkoiHome } = temporaryHome();
    homes.push(home);
    mkdirSync(openkoiHome, { recursive: true });
    writeFileSync(join(openkoiHome, 'openkoi.db'), '');
    chmodSync(home, 0o755);
    chmodSync(openkoiHome, asRoot ? 0o700 : 0o000);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: '/tmp',
        env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, NO_COLOR: '1', GROQ_API_KEY: GROQ_KEY },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        chmodSync(openkoiHome, 0o700);
        resolve({ code, stdout, stderr, locked: openkoiHome });
      });
    });
  }

  it('a task: "Permission denied" naming the folder, exit 2, nothing sent', async () => {
    const result = await runLockedOut(['-m', 'groq/llama-3.3-70b-versatile', '-i', '0', 'hi']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`Permission denied: cannot enter the folder ${result.locked}`);
    expect(result.stderr).not.toContain('move it aside');
    expect(fake.requests).toHaveLength(0);
  });

  it('status --costs: an error, not "$0.0000 · 0 calls"', async () => {
    const result = await runLockedOut(['status', '--costs']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('Permission denied');
    expect(result.stdout).not.toContain('$0.0000');
  });
});

describe('every OPENKOI_* variable openkoi reads is known, so none is warned about as a typo', () => {
  it('the variables named in src/ are all listed', () => {
    const known = new Set([...ENVIRONMENT_KEYS.map(([variable]) => variable), ...OTHER_VARIABLES]);
    const named = new Set<string>();
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/\bOPENKOI_[A-Z0-9_]*[A-Z0-9]\b/g)) named.add(match[0]);
      }
    };
    walk(new URL('../../src', import.meta.url).pathname);
    expect([...named].filter((name) => !known.has(name))).toEqual([]);
  });
});
