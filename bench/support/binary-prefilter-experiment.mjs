// Is a `bit[]` pre-filter worth it on the offline embedder's real vectors? Over N (default 100k)
// cached 512-d vectors (bench/support/real-embeddings.mjs) and 100 held-out queries, compares
// float32 vec0 brute force with sign-quantised (vec_quantize_binary) Hamming KNN of k candidates
// re-ranked by exact cosine: re-rank reading vec0 point lookups, or a plain BLOB table; and the
// same after centring the vectors on the corpus mean. Prints p50, p99 and recall@10 against exact
// search. Run: N=100000 node bench/support/binary-prefilter-experiment.mjs (not part of npm run bench).
import { createRequire } from 'node:module';
import { cachedVectors } from './real-embeddings.mjs';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const sqliteVec = require('sqlite-vec');
const size = Number(process.env.N ?? 100000), D = 512, Q = 100;
const { values } = cachedVectors('use-512', D);
const vec = (i) => values.subarray(i * D, (i + 1) * D);
const mean = new Float32Array(D);
for (let i = 0; i < size; i++) { const v = vec(i); for (let j = 0; j < D; j++) mean[j] += v[j] / size; }
const centered = (v) => { const c = new Float32Array(D); for (let j = 0; j < D; j++) c[j] = v[j] - mean[j]; return c; };
const db = new Database(':memory:'); sqliteVec.load(db);
db.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${D}] distance_metric=cosine)`);
db.exec(`CREATE VIRTUAL TABLE vb USING vec0(embedding bit[${D}])`);
db.exec('CREATE TABLE vf (id INTEGER PRIMARY KEY, embedding BLOB)');
db.exec(`CREATE VIRTUAL TABLE vc USING vec0(embedding bit[${D}])`);
const i1 = db.prepare('INSERT INTO v (rowid, embedding) VALUES (?, ?)'), i2 = db.prepare('INSERT INTO vb (rowid, embedding) VALUES (?, vec_quantize_binary(?))'), i3 = db.prepare('INSERT INTO vc (rowid, embedding) VALUES (?, vec_quantize_binary(?))');
const i4 = db.prepare('INSERT INTO vf (id, embedding) VALUES (?, ?)');
db.transaction(() => { for (let i = 0; i < size; i++) { i1.run(BigInt(i + 1), vec(i)); i2.run(BigInt(i + 1), vec(i)); i3.run(BigInt(i + 1), centered(vec(i))); i4.run(i + 1, vec(i)); } })();
const dot = (a, b) => { let s = 0; for (let j = 0; j < D; j++) s += a[j] * b[j]; return s; };
const queries = Array.from({ length: Q }, (_, q) => vec(100000 + q));
const exact = queries.map((q) => { const d = new Float64Array(size); for (let i = 0; i < size; i++) d[i] = -dot(q, vec(i)); return Array.from(d.keys()).sort((a, b) => d[a] - d[b]).slice(0, 10).map((i) => i + 1); });
const knn = db.prepare('SELECT rowid FROM v WHERE embedding MATCH ? AND k = 10 ORDER BY distance');
const point = db.prepare('SELECT embedding FROM v WHERE rowid = ?');
const bits = (t, k) => db.prepare(`SELECT rowid FROM ${t} WHERE embedding MATCH vec_quantize_binary(?) AND k = ${k}`);
const rerank = (ids, q) => ids.map((id) => { const b = point.get(id).embedding; const v = new Float32Array(b.buffer, b.byteOffset, D); return { id: Number(id), d: -dot(q, v) }; }).sort((a, b) => a.d - b.d).slice(0, 10).map((h) => h.id);
const plain = db.prepare('SELECT id FROM vf WHERE id IN (SELECT value FROM json_each(?)) ORDER BY vec_distance_cosine(embedding, ?) LIMIT 10');
const cases = {
  float: (q) => knn.all(q).map((r) => Number(r.rowid)),
  ...Object.fromEntries([100, 200, 400].flatMap((k) => [
    [`bit k=${k}`, ((s) => (q) => rerank(s.all(q).map((r) => r.rowid), q))(bits('vb', k))],
    [`bit k=${k} plain re-rank`, ((s) => (q) => plain.all(JSON.stringify(s.all(q).map((r) => Number(r.rowid))), q).map((r) => r.id))(bits('vb', k))],
    [`centered bit k=${k}`, ((s) => (q) => rerank(s.all(centered(q)).map((r) => r.rowid), q))(bits('vc', k))],
  ])),
};
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const p99 = (a) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * 0.99))];
const lat = Object.fromEntries(Object.keys(cases).map((n) => [n, []])); const found = Object.fromEntries(Object.keys(cases).map((n) => [n, 0]));
for (const n of Object.keys(cases)) cases[n](queries[0]);
queries.forEach((q, qi) => { for (const [n, f] of Object.entries(cases)) { const t = performance.now(); const got = f(q); lat[n].push(performance.now() - t); const s = new Set(got); found[n] += exact[qi].filter((id) => s.has(id)).length; } });
for (const n of Object.keys(cases)) console.log(`${size} ${n.padEnd(20)} p50 ${med(lat[n]).toFixed(1)} ms p99 ${p99(lat[n]).toFixed(1)} ms recall@10 ${(found[n] / (Q * 10)).toFixed(3)}`);
