// Two openkoi processes started together on a first run (a shell loop, an editor and a terminal)
// both find no openkoi.db and both migrate it: neither may fail on the first migration.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { MIGRATIONS } from '../../src/memory/migrations/index.js';
import { BIN, temporaryHome, type CliResult } from './run-openkoi.js';

function startOpenkoi(args: string[], home: string, openkoiHome: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: home,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('processes creating openkoi.db at once on a first run', () => {
  it('all succeed, and the schema is applied exactly once (5 rounds of 6 processes, each round a fresh OPENKOI_HOME)', async () => {
    // `token list` and `memory list` both create the database; neither calls a model.
    const commands = [['token', 'list'], ['memory', 'list'], ['token', 'list'], ['memory', 'list'], ['token', 'list'], ['memory', 'list']];
    for (let round = 1; round <= 5; round++) {
      const { home, openkoiHome } = temporaryHome();

      const results = await Promise.all(commands.map((args) => startOpenkoi(args, home, openkoiHome)));

      for (const result of results) expect(result.code, `round ${round}: ${result.stderr}`).toBe(0);
      const database = openDatabase(join(openkoiHome, 'openkoi.db'));
      try {
        expect(database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        expect(database.prepare("SELECT COUNT(*) AS count FROM sqlite_master WHERE name = 'tasks'").get()).toEqual({ count: 1 });
      } finally {
        database.close();
      }
    }
  }, 60_000);
});
