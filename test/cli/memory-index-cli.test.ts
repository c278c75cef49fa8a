// A large memory (20,000 vectors and more) is searched through an approximate index file beside
// openkoi.db. A search that finds the file missing starts `openkoi memory index` in the background
// and answers by exact search meanwhile; `openkoi memory index` writes or checks it in the foreground.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { MemoryStore } from '../../src/memory/memory-store.js';
import { APPROXIMATE_FROM, VectorIndex } from '../../src/memory/vector-index.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeEmbedding } from '../fakes/openai-routes.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let home: string;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  home = mkdtempSync(join(tmpdir(), 'openkoi-memory-index-cli-'));
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-index-0123', HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Polls for up to 150 s: on a loaded CI box the background build of 20,001 vectors has taken over a minute. */
async function waitFor(check: () => boolean, what: () => string): Promise<void> {
  for (let attempt = 0; attempt < 1500; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what()}`);
}

describe('openkoi memory index', () => {
  it('a small memory stays with the exact scan; no memory at all has nothing to index', async () => {
    const empty = await runOpenkoi(['memory', 'index'], environment);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe('No memory has a vector yet: nothing to index.\n');
    expect((await runOpenkoi(['memory', 'add', 'this repository uses pnpm'], environment)).code).toBe(0);
    const small = await runOpenkoi(['memory', 'index', '--json'], environment);
    expect(small.code, small.stderr).toBe(0);
    expect(JSON.parse(small.stdout)).toEqual([expect.objectContaining({ vectors: 1, result: 'small' })]);
  });

  it('a search of a large memory starts the index in the background and answers meanwhile; then the index is up to date', async () => {
    expect((await runOpenkoi(['memory', 'add', 'this repository uses pnpm'], environment)).code).toBe(0);
    const databaseFile = join(home, '.openkoi', 'openkoi.db');
    const database = openDatabase(databaseFile);
    const index = new VectorIndex(database, Date.now, { approximateFrom: Infinity });
    const [space] = index.spaces();
    const store = new MemoryStore(database);
    // Enough memories for the index, each with the vector the fake embedder would give its text.
    database.transaction(() => {
      for (let number = 0; number < APPROXIMATE_FROM; number++) {
        const content = `standing fact number ${number} about module ${number % 97}`;
        const memory = store.insert({ kind: 'fact', content });
        index.put(space!, memory.id, Float32Array.from(fakeEmbedding(content, space!.dimension)));
      }
    })();
    database.close();
    const record = join(home, '.openkoi', `openkoi.db.vectors-${space!.id}.json`);

    const search = await runOpenkoi(['memory', 'search', 'repository uses pnpm', '--limit', '60', '--json'], environment, { timeoutMs: 60_000 });
    expect(search.code, search.stderr).toBe(0);
    // Answered now, without waiting for the index: both halves, the vectors by the exact scan. (The
    // fake's 8-d hash vectors are near everything, so the 50 vector candidates outrank the one text
    // hit under the fusion weights: it is found below them, hence --limit 60.)
    const answer = JSON.parse(search.stdout) as { vectors: { state: string }; hits: Array<{ content: string; foundBy: string[] }> };
    expect(answer.vectors.state).toBe('used');
    expect(answer.hits.filter((hit) => hit.foundBy.includes('vector')).length).toBeGreaterThanOrEqual(50);
    expect(answer.hits.find((hit) => hit.content === 'this repository uses pnpm')?.foundBy).toContain('text');
    // Written and released: the record appears just before the writer lets go of its lock.
    const log = join(home, '.openkoi', 'memory-index.log');
    await waitFor(
      () => existsSync(record) && !existsSync(`${record}.lock`),
      () => `the background index (lock ${existsSync(`${record}.lock`) ? 'held' : 'free'}; its log: ${existsSync(log) ? readFileSync(log, 'utf8') : 'none'})`,
    );
    // The background process said what it did in its log.
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('index built'), () => `its log line (${existsSync(log) ? readFileSync(log, 'utf8') : 'no log'})`);

    const check = await runOpenkoi(['memory', 'index'], environment, { timeoutMs: 60_000 });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`\\(${space!.dimension}-d, ${APPROXIMATE_FROM + 1} vectors\\): index up to date`));
  }, 200_000);
});
