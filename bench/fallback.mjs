// bench/fallback: time from a 429 reply to the fallback candidate's request, through the real
// FallbackGateway, the real OpenAI SDK and a SQLite cooldown store in a temporary openkoi.db.
// Target: median at most 10 ms. Run: npm run bench -- fallback   (BENCH_ROUNDS to change rounds)
//
// The gateway is bundled from src/ on the fly into build/bench/ (gitignored), so the bench needs
// no entry in the CLI's own build.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatMs, median } from './support/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
const target = 10;

await build({
  absWorkingDir: root,
  stdin: {
    contents: `
      export { FallbackGateway } from './src/routing/fallback-gateway.ts';
      export { SqliteCooldownStore } from './src/routing/cooldown-store.ts';
      export { ProviderPool } from './src/routing/provider-pool.ts';
      export { openDatabase } from './src/memory/database.ts';
      export { DEFAULT_RETRY_POLICY } from './src/routing/retry-policy.ts';
    `,
    resolveDir: root,
    loader: 'ts',
    sourcefile: 'bench-fallback-entry.ts',
  },
  outfile: join(root, 'build/bench/fallback.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Same as the CLI build: SDKs and native modules stay external.
  external: ['openai', '@anthropic-ai/sdk', '@google/genai', '@aws-sdk/*', '@smithy/*', 'ollama', 'better-sqlite3', 'sqlite-vec'],
  banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
const { FallbackGateway, SqliteCooldownStore, ProviderPool, openDatabase, DEFAULT_RETRY_POLICY } = await import(
  pathToFileURL(join(root, 'build/bench/fallback.mjs')).href
);

// Two OpenAI-compatible vendors on one tiny server: /primary always answers 429, /backup answers.
let rateLimitSentAt = 0;
const delays = [];
const server = createServer((request, response) => {
  if (request.url.startsWith('/primary/')) {
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
      rateLimitSentAt = performance.now();
      response.end(body);
    });
    return;
  }
  // Measured when the request's headers arrive, before its body is read.
  delays.push(performance.now() - rateLimitSentAt);
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-bench',
        object: 'chat.completion',
        created: 1,
        model: 'backup-model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const entry = (id) => ({ id, name: id, api: 'openai-chat', keyVariables: [], baseURL: `${base}/${id}/v1` });
const pool = new ProviderPool([entry('primary'), entry('backup')], {}, () => ({ apiKey: 'sk-bench', source: 'bench' }));
const directory = mkdtempSync(join(tmpdir(), 'openkoi-bench-fallback-'));
const database = openDatabase(join(directory, 'openkoi.db'));
const gateway = new FallbackGateway({
  chains: { executor: [{ provider: 'primary', model: 'primary-model' }, { provider: 'backup', model: 'backup-model' }], evaluator: [], planner: [], embedder: [] },
  pool,
  policy: DEFAULT_RETRY_POLICY,
  cooldowns: new SqliteCooldownStore(database),
});
const request = { messages: [{ role: 'user', content: 'hi' }] };

// Warm-up: SDK import, connection pool, statement caches.
for (let round = 0; round < 5; round++) {
  await gateway.chat('executor', request);
  database.exec('DELETE FROM cooldowns');
}
delays.length = 0;
for (let round = 0; round < rounds; round++) {
  const response = await gateway.chat('executor', request);
  if (response.servedBy.provider !== 'backup') throw new Error('the fallback did not serve the call');
  // Every round starts with the primary free again, so every round meets the 429.
  database.exec('DELETE FROM cooldowns');
}
server.close();
database.close();
rmSync(directory, { recursive: true, force: true });

const sorted = [...delays].sort((left, right) => left - right);
const result = median(delays);
console.log(`fallback (${rounds} rounds): 429 reply → fallback request`);
console.log(`  median ${formatMs(result)}  p90 ${formatMs(sorted[Math.floor(sorted.length * 0.9)])}  max ${formatMs(sorted.at(-1))}  (target ≤ ${target} ms)`);
if (result > target) {
  console.error(`fallback: median ${formatMs(result)} is above the ${target} ms target`);
  process.exit(1);
}
