// openkoi's own path at 100k × 512: VectorIndex.nearest (src/memory/vector-index.ts) over an
// openkoi.db, with the HNSW file (usearch) beside it vs the exact vec0 scan, a FRESH process per
// query and the two alternating, as `openkoi` pays it: open the database (migrations checked),
// load sqlite-vec, [load usearch, check the file against the table, map it], one top-k query.
// Recall@k is against the exact scan. The first run builds the database and the index file in
// ANN_DIR (default /tmp/openkoi-ann-vi) and reports the build time.
//   USEARCH_NODE_PATH=/tmp/ann-try/node_modules N=100000 Q=30 K=10,50 node bench/support/ann-vector-index.mjs
// (USEARCH_NODE_PATH: where usearch is installed when it is not yet in node_modules.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = join(here, '../../..');
const directory = process.env.ANN_DIR ?? '/tmp/openkoi-ann-vi';
const bundle = join(root, 'build', 'ann-vector-index.mjs'); // inside the project, so its node_modules resolve
const databasePath = join(directory, 'openkoi.db');
const D = 512;

if (process.argv[2] === 'child') {
  const [, , , method, queryFile, k] = process.argv;
  const bytes = readFileSync(queryFile);
  const query = Float32Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, D));
  const start = performance.now();
  const { openDatabase, VectorIndex } = await import(bundle);
  const database = openDatabase(databasePath);
  const index = new VectorIndex(database, Date.now, method === 'exact' ? { approximateFrom: Infinity } : {});
  const space = index.space('offline/use-512', D);
  const opened = performance.now();
  const hits = index.nearest(space, query, Number(k));
  const end = performance.now();
  process.stdout.write(JSON.stringify({ ids: hits.map((hit) => hit.id), totalMs: end - start, nearestMs: end - opened, last: index.lastSearch }));
  process.exit(0);
}

if (process.argv[2] === 'warm') {
  // One process, as a long run or `openkoi serve` recalls: the first query opens the file, the rest are timed.
  const [, , , method, queryFile, k, count] = process.argv;
  const bytes = readFileSync(queryFile);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const { openDatabase, VectorIndex } = await import(bundle);
  const database = openDatabase(databasePath);
  const index = new VectorIndex(database, Date.now, method === 'exact' ? { approximateFrom: Infinity } : {});
  const space = index.space('offline/use-512', D);
  const times = [];
  const found = [];
  for (let q = 0; q < Number(count); q++) {
    const query = Float32Array.from(all.subarray(q * D, (q + 1) * D));
    const start = performance.now();
    const hits = index.nearest(space, query, Number(k));
    times.push(performance.now() - start);
    found.push(hits.map((hit) => hit.id));
  }
  process.stdout.write(JSON.stringify({ times: times.slice(1), found, last: index.lastSearch }));
  process.exit(0);
}

const { cachedVectors } = await import('./real-embeddings.mjs');
const size = Number(process.env.N ?? 100000), Q = Number(process.env.Q ?? 30);
const ks = (process.env.K ?? '10,50').split(',').map(Number);
const load = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');
mkdirSync(directory, { recursive: true });
const { build } = await import('esbuild');
await build({ absWorkingDir: root, stdin: { contents: "export { openDatabase } from './src/memory/database.ts'; export { VectorIndex } from './src/memory/vector-index.ts';", resolveDir: root, loader: 'ts' }, outfile: bundle, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" }, logLevel: 'warning' });
const { values } = cachedVectors('use-512', D);
const vec = (i) => values.subarray(i * D, (i + 1) * D);
const env = { ...process.env, ...(process.env.USEARCH_NODE_PATH ? { NODE_PATH: process.env.USEARCH_NODE_PATH } : {}) };
console.log(`N=${size} Q=${Q} node ${process.version} load at start ${load()}`);
if (!existsSync(databasePath)) {
  const { openDatabase, VectorIndex } = await import(bundle);
  const database = openDatabase(databasePath);
  const index = new VectorIndex(database, Date.now, { approximateFrom: Infinity });
  const space = index.space('offline/use-512', D);
  const t = performance.now();
  database.transaction(() => { for (let i = 0; i < size; i++) index.put(space, i + 1, vec(i)); })();
  console.log(`vec0 insert ${((performance.now() - t) / 1000).toFixed(1)} s`);
  database.close();
}
// The first approximate search builds the file: timed here, in a process of its own.
writeFileSync(join(directory, 'query.f32'), vec(100000));
if (!readdirSync(directory).some((file) => file.endsWith('.usearch'))) {
  const t = performance.now();
  const child = spawnSync(process.execPath, [here, 'child', 'approximate', join(directory, 'query.f32'), '10'], { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  console.log(`first search (builds the file): ${((performance.now() - t) / 1000).toFixed(1)} s, ${child.stdout.slice(child.stdout.indexOf('"last"'))} (load ${load()})`);
}
const results = {};
const loads = [load()];
for (let q = -1; q < Q; q++) {
  writeFileSync(join(directory, 'query.f32'), vec(100000 + Math.max(q, 0)));
  for (const k of ks) {
    const found = {};
    for (const method of ['exact', 'approximate']) {
      const t = performance.now();
      const child = spawnSync(process.execPath, [here, 'child', method, join(directory, 'query.f32'), String(k)], { env, encoding: 'utf8' });
      const wall = performance.now() - t;
      if (child.status !== 0) throw new Error(child.stderr);
      const out = JSON.parse(child.stdout);
      if (method === 'approximate' && out.last?.method !== 'approximate') throw new Error(`the index was not used: ${child.stdout}`);
      found[method] = out.ids;
      if (q < 0) continue;
      const r = (results[`${method} k=${k}`] ??= { total: [], nearest: [], wall: [], found: 0 });
      r.total.push(out.totalMs); r.nearest.push(out.nearestMs); r.wall.push(wall);
    }
    if (q >= 0) { const exact = new Set(found.exact); results[`approximate k=${k}`].found += found.approximate.filter((id) => exact.has(id)).length; results[`exact k=${k}`].found += k; }
  }
  if (q % 10 === 9) loads.push(load());
}
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
console.log(`load during rounds: ${loads.join(' | ')}`);
console.log('| VectorIndex | nearest() p50 / p99 | open db + nearest() p50 | whole process p50 | recall@k vs exact |');
console.log('|---|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  const k = Number(name.split('k=')[1]);
  console.log(`| ${name} | ${pct(r.nearest, 0.5).toFixed(1)} / ${pct(r.nearest, 0.99).toFixed(1)} ms | ${pct(r.total, 0.5).toFixed(1)} ms | ${pct(r.wall, 0.5).toFixed(1)} ms | ${(r.found / (Q * k)).toFixed(3)} |`);
}
const files = readdirSync(directory).filter((file) => file.endsWith('.usearch'));
for (const file of files) console.log(`index file ${file}: ${(statSync(join(directory, file)).size / 1e6).toFixed(1)} MB`);

// In one warm process (the "in process" figure): p50 / p99 of nearest() after the first query.
writeFileSync(join(directory, 'queries.f32'), values.subarray(100000 * D, (100000 + Q) * D));
const warm = {};
for (const method of ['exact', 'approximate']) {
  const child = spawnSync(process.execPath, [here, 'warm', method, join(directory, 'queries.f32'), '10', String(Q)], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(child.stderr);
  warm[method] = JSON.parse(child.stdout);
}
let warmFound = 0;
warm.approximate.found.forEach((ids, q) => { const exact = new Set(warm.exact.found[q]); warmFound += ids.filter((id) => exact.has(id)).length; });
for (const method of ['exact', 'approximate']) console.log(`warm process, ${method} k=10: nearest() p50 ${pct(warm[method].times, 0.5).toFixed(1)} ms, p99 ${pct(warm[method].times, 0.99).toFixed(1)} ms (${warm[method].last?.method})`);
console.log(`warm recall@10 vs exact: ${(warmFound / (Q * 10)).toFixed(3)} (load ${load()})`);
