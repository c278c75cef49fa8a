// Can an approximate (HNSW) index answer memory recall at 100k × 512 within 15 ms in a short-lived
// process? Over N (default 100k) cached real 512-d vectors (bench/support/real-embeddings.mjs) and
// Q (default 30) held-out queries, this builds on disk, once:
//   - the exact baseline: a sqlite-vec vec0 table (cosine, float32) in a database file;
//   - usearch HNSW indexes (cosine; f32, f16 and i8 storage), saved to files.
// Then, for each query, it starts a FRESH node process per method, alternating the methods within
// the round, which is what the CLI pays: load the library, open the database / memory-map the
// index (usearch `view()`), one top-10 query. The child reports open+query and query-only times and
// the ids; recall@10 is checked here against exact cosine computed in JS.
//
// Run (not part of npm run bench):
//   N=100000 Q=30 KINDS=f32 EF=128,256,512 USEARCH=/tmp/ann-try/node_modules/usearch node bench/support/ann-experiment.mjs
// USEARCH: where usearch is installed (it is not a dependency: docs/benchmarks.md, memory). ANN_DIR
// (default /tmp/openkoi-ann) keeps the built files; they are built when missing. EF lists the
// expansion_search values tried, KINDS the storage types (f32, f16, i8); M is 16.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, statSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const D = 512;
const here = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);
const usearchPath = process.env.USEARCH ?? 'usearch';

if (process.argv[2] === 'child') {
  // One fresh-process round: argv = child <method> <file> <query-file> <ef>
  const [, , , method, file, queryFile, ef] = process.argv;
  const bytes = readFileSync(queryFile);
  const query = Float32Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, D));
  const start = performance.now();
  let ids, searchMs, viewMs;
  if (method === 'vec0') {
    const Database = require('better-sqlite3');
    const sqliteVec = require('sqlite-vec');
    const db = new Database(file, { readonly: true });
    sqliteVec.load(db);
    const t = performance.now();
    ids = db.prepare('SELECT rowid AS id FROM v WHERE embedding MATCH ? AND k = 10 ORDER BY distance').all(query).map((row) => Number(row.id));
    searchMs = performance.now() - t;
  } else {
    const { Index } = require(usearchPath);
    const opened = performance.now();
    const quantization = method.split('-')[1];
    const index = new Index({ metric: 'cos', dimensions: D, quantization, connectivity: 16, expansion_search: Number(ef) });
    index.view(file);
    const t = performance.now();
    viewMs = t - opened;
    ids = Array.from(index.search(query, 10, 1).keys, Number);
    searchMs = performance.now() - t;
  }
  const totalMs = performance.now() - start;
  process.stdout.write(JSON.stringify({ ids, searchMs, viewMs, totalMs, sinceProcessStartMs: performance.now() }));
  process.exit(0);
}

const { cachedVectors } = await import('./real-embeddings.mjs');
const size = Number(process.env.N ?? 100000), Q = Number(process.env.Q ?? 30);
const efs = (process.env.EF ?? '128,256,512').split(',').map(Number);
const directory = process.env.ANN_DIR ?? '/tmp/openkoi-ann';
mkdirSync(directory, { recursive: true });
const { values, rows } = cachedVectors('use-512', D);
if (rows < 100000 + Q) throw new Error(`need ${100000 + Q} cached rows, have ${rows}`);
const vec = (i) => values.subarray(i * D, (i + 1) * D);
const queries = Array.from({ length: Q }, (_, q) => vec(100000 + q));
const usearchVersion = () => { let dir = require.resolve(usearchPath); while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== 'usearch') dir = join(dir, '..'); return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version; };
const load = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');
console.log(`N=${size} Q=${Q} node ${process.version} usearch ${usearchVersion()} load at start ${load()}`);

// Exact cosine top-10 in JS (ground truth). Ids are row + 1 (memory ids start at 1).
const norms = new Float32Array(size);
for (let i = 0; i < size; i++) { const v = vec(i); let s = 0; for (let j = 0; j < D; j++) s += v[j] * v[j]; norms[i] = Math.sqrt(s); }
const exact = queries.map((q) => {
  const score = new Float64Array(size);
  for (let i = 0; i < size; i++) { const v = vec(i); let s = 0; for (let j = 0; j < D; j++) s += q[j] * v[j]; score[i] = s / norms[i]; }
  return Array.from(score.keys()).sort((a, b) => score[b] - score[a]).slice(0, 10).map((i) => i + 1);
});

const built = {};
const vecFile = join(directory, `vec0-${size}.db`);
if (!existsSync(vecFile)) {
  const Database = require('better-sqlite3');
  const sqliteVec = require('sqlite-vec');
  const t = performance.now();
  const db = new Database(vecFile); sqliteVec.load(db);
  db.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${D}] distance_metric=cosine)`);
  const insert = db.prepare('INSERT INTO v (rowid, embedding) VALUES (?, ?)');
  db.transaction(() => { for (let i = 0; i < size; i++) insert.run(BigInt(i + 1), vec(i)); })();
  db.close();
  built.vec0 = performance.now() - t;
}
const { Index } = require(usearchPath);
const kinds = (process.env.KINDS ?? 'f32').split(',');
for (const kind of kinds) {
  const file = join(directory, `usearch-${kind}-${size}.usearch`);
  if (existsSync(file)) continue;
  const t = performance.now();
  const index = new Index({ metric: 'cos', dimensions: D, quantization: kind, connectivity: 16 });
  const keys = new BigUint64Array(size); for (let i = 0; i < size; i++) keys[i] = BigInt(i + 1);
  index.add(keys, values.subarray(0, size * D), 0); // 0 = all cores
  index.save(file);
  built[kind] = performance.now() - t;
}
for (const [name, ms] of Object.entries(built)) console.log(`built ${name} in ${(ms / 1000).toFixed(1)} s (load ${load()})`);

const methods = [{ name: 'node -e 0', method: 'none' }, { name: 'vec0 exact', method: 'vec0', file: vecFile, ef: 0 }];
for (const kind of kinds) for (const ef of efs) methods.push({ name: `usearch ${kind} M=16 ef=${ef}`, method: `usearch-${kind}`, file: join(directory, `usearch-${kind}-${size}.usearch`), ef });
const results = Object.fromEntries(methods.map((m) => [m.name, { total: [], search: [], view: [], wall: [], found: 0 }]));
const queryFile = join(directory, 'query.f32');
const { writeFileSync } = await import('node:fs');
const loads = [load()];
for (let q = -1; q < Q; q++) { // q = -1: an unmeasured warm-up round
  writeFileSync(queryFile, queries[Math.max(q, 0)]);
  for (const m of methods) {
    const t = performance.now();
    const child = m.method === 'none'
      ? spawnSync(process.execPath, ['-e', '0'])
      : spawnSync(process.execPath, [here, 'child', m.method, m.file, queryFile, String(m.ef)], { env: process.env, encoding: 'utf8' });
    const wall = performance.now() - t;
    if (child.status !== 0) throw new Error(`${m.name}: ${child.stderr}`);
    if (q < 0) continue;
    const r = results[m.name];
    r.wall.push(wall);
    if (m.method === 'none') continue;
    const out = JSON.parse(child.stdout);
    r.total.push(out.totalMs); r.search.push(out.searchMs); if (out.viewMs !== undefined) r.view.push(out.viewMs);
    const got = new Set(out.ids); r.found += exact[q].filter((id) => got.has(id)).length;
  }
  if (q % 10 === 9) loads.push(load());
}
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const f = (x) => (x === undefined ? '–' : x.toFixed(1));
console.log(`load during rounds: ${loads.join(' | ')}`);
console.log('| method | load lib + open + query p50 / p99 | view() p50 | query only p50 / p99 | whole process p50 | recall@10 | file |');
console.log('|---|---|---|---|---|---|---|');
for (const m of methods) {
  const r = results[m.name];
  const bytes = m.file ? statSync(m.file).size : 0;
  console.log(`| ${m.name} | ${f(pct(r.total, 0.5))} / ${f(pct(r.total, 0.99))} ms | ${f(pct(r.view, 0.5))} ms | ${f(pct(r.search, 0.5))} / ${f(pct(r.search, 0.99))} ms | ${f(pct(r.wall, 0.5))} ms | ${m.method === 'none' ? '–' : (r.found / (Q * 10)).toFixed(3)} | ${bytes ? (bytes / 1e6).toFixed(1) + ' MB' : '–'} |`);
}
if (process.env.ANN_CLEAN) rmSync(directory, { recursive: true, force: true });
