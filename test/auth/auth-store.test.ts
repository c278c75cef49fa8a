import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authStorePath, readAuthStore, removeAuthStoreEntries, saveAuthStoreEntry, updateAuthStore } from '../../src/auth/auth-store.js';
import { saveKey } from '../../src/auth/saved-keys.js';
import { temporaryDirectories } from '../temporary-directories.js';

// Each test's home goes when the file is done: tests leave no folders behind.
const newDirectory = temporaryDirectories('openkoi-auth-store-');

let openkoiHome: string;
let scratch: string;
let childScript: string;

const mode = (path: string) => statSync(path).mode & 0o777;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'openkoi-auth-store-build-'));
  // A child process that writes the store the way openkoi does; compiled from TypeScript here.
  const entry = join(scratch, 'child.ts');
  const source = fileURLToPath(new URL('../../src/auth/auth-store.ts', import.meta.url));
  writeFileSync(
    entry,
    `import { updateAuthStore } from ${JSON.stringify(source)};
const [home, action, name, count] = process.argv.slice(2);
if (action === 'die-before-rename') {
  await updateAuthStore(home, (data) => { data[name] = { type: 'api', key: 'x'.repeat(100000) }; },
    { write: { beforeRename: () => process.kill(process.pid, 'SIGKILL') } });
} else {
  for (let index = 0; index < Number(count); index++) {
    await updateAuthStore(home, (data) => { data[name + '-' + index] = { type: 'api', key: 'k-' + name + '-' + index }; });
  }
}
`,
  );
  childScript = join(scratch, 'child.mjs');
  await build({ entryPoints: [entry], outfile: childScript, bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeEach(() => {
  openkoiHome = join(newDirectory(), '.openkoi');
});

function runChild(...args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, openkoiHome, ...args], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

describe('auth.json is mode 0600 after every write', () => {
  it('create, update and remove all leave 0600, even over a file someone made 0644', async () => {
    const previous = process.umask(0o022);
    try {
      await saveAuthStoreEntry(openkoiHome, 'groq', { type: 'api', access: 'gsk_first' });
      expect(mode(authStorePath(openkoiHome))).toBe(0o600);
      chmodSync(authStorePath(openkoiHome), 0o644);
      await saveAuthStoreEntry(openkoiHome, 'openai-codex', { type: 'oauth', access: 'a', refresh: 'r', expires: 1 });
      expect(mode(authStorePath(openkoiHome))).toBe(0o600);
      await removeAuthStoreEntries(openkoiHome, ['groq']);
      expect(mode(authStorePath(openkoiHome))).toBe(0o600);
      expect(mode(openkoiHome)).toBe(0o700);
      expect(Object.keys(readAuthStore(openkoiHome, 'auth.json').entries)).toEqual(['openai-codex']);
      // No temporary or lock file is left behind.
      expect(readdirSync(openkoiHome)).toEqual(['auth.json']);
    } finally {
      process.umask(previous);
    }
  });

  it('saved keys too', () => {
    const path = saveKey(openkoiHome, 'groq', '  gsk_pasted \n');
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('gsk_pasted\n');
  });

  it('a file that is not a JSON object is left for the user, not overwritten', async () => {
    mkdirSync(openkoiHome, { recursive: true });
    writeFileSync(authStorePath(openkoiHome), '[1, 2');
    await expect(saveAuthStoreEntry(openkoiHome, 'groq', { type: 'api', access: 'k' })).rejects.toThrow(/fix or remove it/);
    expect(readFileSync(authStorePath(openkoiHome), 'utf8')).toBe('[1, 2');
  });
});

describe('a crash or a second process never leaves a broken or partial store', () => {
  it('a write killed midway (after the temporary file, before the rename) leaves the old file whole', async () => {
    await saveAuthStoreEntry(openkoiHome, 'groq', { type: 'api', access: 'gsk_old' });
    const before = readFileSync(authStorePath(openkoiHome), 'utf8');
    const result = await runChild('die-before-rename', 'big');
    expect(result.signal).toBe('SIGKILL');
    expect(readFileSync(authStorePath(openkoiHome), 'utf8')).toBe(before);
    // The dead writer's lock does not lock the user out: the next write takes it over.
    expect(existsSync(`${authStorePath(openkoiHome)}.lock`)).toBe(true);
    await saveAuthStoreEntry(openkoiHome, 'xai', { type: 'api', access: 'xai-key' });
    expect(Object.keys(readAuthStore(openkoiHome, 'auth.json').entries).sort()).toEqual(['groq', 'xai']);
  });

  it('four processes writing at once lose no entry', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => runChild('add', name, '5')));
    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0]);
    const keys = Object.keys(readAuthStore(openkoiHome, 'auth.json').entries);
    expect(keys).toHaveLength(20);
    expect(mode(authStorePath(openkoiHome))).toBe(0o600);
  });

  it('changes made in the same process are serialised too', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, index) => updateAuthStore(openkoiHome, (data) => void (data[`p${index}`] = { type: 'api', key: `k${index}` }))));
    expect(Object.keys(readAuthStore(openkoiHome, 'auth.json').entries)).toHaveLength(8);
  });
});
