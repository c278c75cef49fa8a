// Paired comparison of two FallbackGateway builds in one process, rounds alternating old/new (see
// docs/benchmarks.md, fallback): OLD_ROOT=<a tree of the old commit, node_modules linked> node bench/support/compare-fallback-gateways.mjs
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const rounds = Number(process.env.BENCH_ROUNDS ?? 300);
async function load(root, name) {
  await build({
    absWorkingDir: root,
    stdin: { contents: `
      export { FallbackGateway } from './src/routing/fallback-gateway.ts';
      export { SqliteCooldownStore } from './src/routing/cooldown-store.ts';
      export { ProviderPool } from './src/routing/provider-pool.ts';
      export { openDatabase } from './src/memory/database.ts';
      export { DEFAULT_RETRY_POLICY } from './src/routing/retry-policy.ts';`, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    outfile: join(root, `build/bench/compare-${name}.mjs`), bundle: true, format: 'esm', platform: 'node', target: 'node20',
    external: ['openai', '@anthropic-ai/sdk', '@google/genai', '@aws-sdk/*', '@smithy/*', 'ollama', 'better-sqlite3', 'sqlite-vec'],
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" }, logLevel: 'warning',
  });
  return import(pathToFileURL(join(root, `build/bench/compare-${name}.mjs`)).href);
}
const modules = { old: await load(process.env.OLD_ROOT, 'old'), new: await load(fileURLToPath(new URL('../..', import.meta.url)), 'new') };
let sentAt = 0; let current = 'old'; const delays = { old: [], new: [] };
const server = createServer((request, response) => {
  if (request.url.includes('-primary/')) {
    request.resume(); request.on('end', () => { response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' }); sentAt = performance.now();
      response.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } })); });
    return;
  }
  delays[current].push(performance.now() - sentAt);
  request.resume(); request.on('end', () => { response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'backup-model', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })); });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const directory = mkdtempSync(join(tmpdir(), 'openkoi-compare-'));
const gateways = {};
for (const [name, m] of Object.entries(modules)) {
  const entry = (id) => ({ id, name: id, api: 'openai-chat', keyVariables: [], baseURL: `${base}/${name}-${id}/v1` });
  const pool = new m.ProviderPool([entry('primary'), entry('backup')], {}, () => ({ apiKey: 'sk-bench', source: 'bench' }));
  const database = m.openDatabase(join(directory, `${name}.db`));
  gateways[name] = { database, gateway: new m.FallbackGateway({ chains: { executor: [{ provider: 'primary', model: 'p' }, { provider: 'backup', model: 'b' }], evaluator: [], planner: [], embedder: [] }, pool, policy: m.DEFAULT_RETRY_POLICY, cooldowns: new m.SqliteCooldownStore(database) }) };
}
const request = { messages: [{ role: 'user', content: 'hi' }] };
for (let round = 0; round < rounds + 10; round++) {
  for (const name of round % 2 ? ['old', 'new'] : ['new', 'old']) {
    current = name;
    const response = await gateways[name].gateway.chat('executor', request);
    if (response.servedBy.provider !== 'backup') throw new Error('no fallback');
    gateways[name].database.exec('DELETE FROM cooldowns');
  }
  if (round === 9) { delays.old.length = 0; delays.new.length = 0; }
}
server.close(); for (const g of Object.values(gateways)) g.database.close(); rmSync(directory, { recursive: true, force: true });
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p90 = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.9)];
console.log(`rounds ${rounds}: old median ${median(delays.old).toFixed(2)} ms p90 ${p90(delays.old).toFixed(2)} | new median ${median(delays.new).toFixed(2)} ms p90 ${p90(delays.new).toFixed(2)} | new/old ${(median(delays.new) / median(delays.old)).toFixed(2)}x`);
