// bench/first-request: time from process start to the first byte of the first model request at
// the server, for `openkoi -m openai/gpt-4.1 -i 0 "hi"` with keys for every vendor set and no
// Ollama running, against the same machine's `node -e 0`. Paired rounds in one run, medians.
//
//   first request   spawn() → the request's first byte reaching a tiny fake server in this process
//   node -e 0       spawn() → exit of `node -e 0` (what the issue's target is measured against)
//   node request    spawn() → first byte of a POST sent by a trivial `node -e` script with fetch
//                   (the floor any Node CLI that uses fetch pays; shown for context)
//
// Target: first request ≤ node -e 0 + 200 ms (median). Run: npm run bench -- first-request
// (BENCH_ROUNDS=25 by default).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMs, median } from './support/measure.mjs';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 25);

let waiting; // resolves with the hrtime of the next request's arrival
const server = createServer((request, response) => {
  const arrivedAt = process.hrtime.bigint();
  waiting?.(arrivedAt);
  waiting = undefined;
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    response.end(`${chunk({ role: 'assistant', content: 'hi' })}${chunk({}, 'stop')}data: [DONE]\n\n`);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const home = mkdtempSync(join(tmpdir(), 'openkoi-bench-'));
const environment = {
  PATH: process.env.PATH,
  HOME: home,
  OPENKOI_HOME: join(home, '.openkoi'),
  OPENAI_BASE_URL: `${url}/v1`,
  // Keys for every vendor: discovery must stop at the one the task names, whatever else is set.
  OPENAI_API_KEY: 'sk-bench-openai-0123456789',
  ANTHROPIC_API_KEY: 'sk-ant-bench-0123456789',
  GOOGLE_API_KEY: 'AIzabench0123456789',
  GROQ_API_KEY: 'gsk_bench0123456789',
  OPENROUTER_API_KEY: 'sk-or-bench0123456789',
  TOGETHER_API_KEY: 'bench0123456789',
  DEEPSEEK_API_KEY: 'sk-bench0123456789',
  MINIMAX_API_KEY: 'bench0123456789',
  MOONSHOT_API_KEY: 'sk-bench0123456789',
  XAI_API_KEY: 'xai-bench0123456789',
  AWS_ACCESS_KEY_ID: 'AKIABENCH0123456789',
  AWS_SECRET_ACCESS_KEY: 'bench0123456789',
  // No Ollama running: nothing listens on the discard port.
  OLLAMA_HOST: 'http://127.0.0.1:9',
};

function run(args, { untilRequest }) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let arrived;
    if (untilRequest) waiting = (at) => (arrived = at);
    const child = spawn(process.execPath, args, { env: environment, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const end = process.hrtime.bigint();
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      if (untilRequest && arrived === undefined) return reject(new Error(`${args.join(' ')} sent no request`));
      resolve(Number((untilRequest ? arrived : end) - start) / 1e6);
    });
  });
}

const requestScript = `await fetch(${JSON.stringify(`${url}/v1/chat/completions`)}, { method: 'POST', body: '{}' }).then((r) => r.text())`;
const cases = {
  'node -e 0': () => run(['-e', '0'], { untilRequest: false }),
  'node request': () => run(['--input-type=module', '-e', requestScript], { untilRequest: true }),
  'first request': () => run([bin, '-m', 'openai/gpt-4.1', '-i', '0', 'hi'], { untilRequest: true }),
};

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const names = Object.keys(cases);
for (let round = 0; round < rounds; round++) {
  for (let offset = 0; offset < names.length; offset++) {
    const name = names[(round + offset) % names.length];
    samples[name].push(await cases[name]());
  }
}
server.close();

const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const base = medians['node -e 0'];
console.log(`first request (${rounds} rounds, medians; keys for every vendor set, no Ollama)`);
for (const [name, value] of Object.entries(medians)) {
  const delta = name === 'node -e 0' ? '' : `  (+${formatMs(value - base)} over node -e 0)`;
  console.log(`  ${name.padEnd(16)} ${formatMs(value)}${delta}`);
}
const over = medians['first request'] - base;
console.log(over <= 200 ? `  within target (≤ 200 ms over node -e 0)` : `  OVER target by ${formatMs(over - 200)}`);
