// bench/gateway: the latency `openkoi serve` adds to streamed Chat Completions, paired in one run
// against the same upstream called directly, at 1, 10 and 100 concurrent streams (p50 and p99 of
// time to first token and of the whole stream), and requests per second at saturation (whole
// replies). Targets (issue 13): p50 ≤ 1 ms and p99 ≤ 5 ms added at 100 concurrent streams.
// Three processes: the upstream, the real `openkoi serve` (built binary), and this load generator.
// Run: npm run bench -- gateway   (BENCH_ROUNDS, BENCH_CHUNKS, BENCH_SATURATION_S to change)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/run.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const saturationSeconds = Number(process.env.BENCH_SATURATION_S ?? 5);
const levels = (process.env.BENCH_LEVELS ?? '1,10,100').split(',').map(Number);

const children = [];
// A failed run must not leave the upstream or the gateway running.
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function startChild(args, environment, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    let errors = '';
    child.stdout.on('data', (data) => {
      output += data;
      const value = ready(output);
      if (value !== undefined) resolve({ child, value });
    });
    child.stderr.on('data', (data) => (errors += data));
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${output}${errors}`)));
  });
}

const home = mkdtempSync(join(tmpdir(), 'openkoi-bench-gateway-'));
const upstream = await startChild([join(root, 'bench/support/fast-openai-upstream.mjs')], { PATH: process.env.PATH }, (output) => (/^\d+\n/.test(output) ? Number(output.trim()) : undefined));
const upstreamUrl = `http://127.0.0.1:${upstream.value}/v1`;
mkdirSync(join(home, '.openkoi'));
// 100 concurrent streams from one token are the point of the bench, not a limit to hit.
writeFileSync(join(home, '.openkoi', 'config.toml'), '[gateway]\nmax_streams_per_token = 1000\n');
const environment = { PATH: process.env.PATH, HOME: home, OPENKOI_HOME: join(home, '.openkoi'), OPENAI_API_KEY: 'sk-bench-not-a-key', OPENAI_BASE_URL: upstreamUrl };
const created = spawnSync(process.execPath, [bin, 'token', 'create', '--name', 'bench'], { env: environment, encoding: 'utf8' });
if (created.status !== 0) throw new Error(`token create failed: ${created.stderr}`);
const token = created.stdout.trim();
// BENCH_GATEWAY_NODE_FLAGS (e.g. "--cpu-prof") profiles the gateway process.
const nodeFlags = process.env.BENCH_GATEWAY_NODE_FLAGS ? process.env.BENCH_GATEWAY_NODE_FLAGS.split(' ') : [];
const gateway = await startChild([...nodeFlags, bin, 'serve', '--port', '0'], environment, (output) => /listening on (http:\/\/\S+)/.exec(output)?.[1]);
const gatewayUrl = `${gateway.value}/v1`;

const body = (stream) => JSON.stringify({ model: stream ? 'openai/bench-model' : 'openai/bench-model', stream, stream_options: stream ? { include_usage: true } : undefined, messages: [{ role: 'user', content: 'go' }] });

/** One streamed request: ms to the first content delta, and to the end of the stream. */
async function timeStream(baseUrl, model) {
  const start = performance.now();
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${baseUrl === gatewayUrl ? token : 'sk-bench-not-a-key'}` },
    body: body(true).replace('openai/bench-model', model),
  });
  if (response.status !== 200) throw new Error(`${baseUrl}: HTTP ${response.status} ${await response.text()}`);
  let firstToken;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    text += decoder.decode(chunk, { stream: true });
    if (firstToken === undefined && text.includes('"content":"t')) firstToken = performance.now() - start;
  }
  if (!text.includes('[DONE]')) throw new Error(`${baseUrl}: stream without [DONE]`);
  return { firstToken, total: performance.now() - start };
}

/** CPU seconds a process has used so far (Linux /proc; clock ticks at the usual 100 Hz), or NaN elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
/** CPU used by the load generator, the gateway and the upstream between two calls, as shares of the wall time. */
function cpuMeter() {
  const pids = { generator: process.pid, gateway: gateway.child.pid, upstream: upstream.child.pid };
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const startWall = performance.now();
  return (gatewayRequests) => {
    const wall = (performance.now() - startWall) / 1000;
    const shares = Object.entries(pids)
      .map(([name, pid]) => `${name} ${((100 * (cpuSecondsOf(pid) - start[name])) / wall).toFixed(0)}%`)
      .join(', ');
    // The gateway's CPU per request hardly depends on how loaded the machine is, unlike latency.
    const perRequest = gatewayRequests ? `; gateway CPU ${((1000 * (cpuSecondsOf(pids.gateway) - start.gateway)) / gatewayRequests).toFixed(2)} ms per request` : '';
    return shares + perRequest;
  };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const targets = { direct: () => timeStream(upstreamUrl, 'bench-model'), gateway: () => timeStream(gatewayUrl, 'openai/bench-model') };
// Warm both paths (connections, the gateway's lazily loaded SDK).
for (let index = 0; index < 20; index++) for (const run of Object.values(targets)) await run();

console.log(`gateway (streamed Chat Completions, ${process.env.BENCH_CHUNKS ?? 20} deltas each, ${rounds} paired rounds per level; 3 processes on ${(await import('node:os')).cpus().length} cores)`);
console.log('  streams  path      TTFT p50   TTFT p99   total p50  total p99');
const summary = [];
for (const concurrency of levels) {
  const samples = { direct: [], gateway: [] };
  // If the generator's own share nears a whole core, it (not the gateway) is what the figures measure.
  const cpuShares = cpuMeter();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
    for (const name of order) samples[name].push(...(await Promise.all(Array.from({ length: concurrency }, () => targets[name]()))));
  }
  const stats = Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [
      name,
      { ttft50: percentile(list.map((s) => s.firstToken), 50), ttft99: percentile(list.map((s) => s.firstToken), 99), total50: percentile(list.map((s) => s.total), 50), total99: percentile(list.map((s) => s.total), 99) },
    ]),
  );
  for (const name of ['direct', 'gateway']) {
    const s = stats[name];
    console.log(`  ${String(concurrency).padStart(7)}  ${name.padEnd(8)}  ${s.ttft50.toFixed(2).padStart(7)} ms ${s.ttft99.toFixed(2).padStart(7)} ms ${s.total50.toFixed(2).padStart(8)} ms ${s.total99.toFixed(2).padStart(7)} ms`);
  }
  const added = { p50: stats.gateway.total50 - stats.direct.total50, p99: stats.gateway.total99 - stats.direct.total99, ttft50: stats.gateway.ttft50 - stats.direct.ttft50, ttft99: stats.gateway.ttft99 - stats.direct.ttft99 };
  summary.push({ concurrency, ...added });
  console.log(`           CPU of one core during this level: ${cpuShares(rounds * concurrency)}`);
  console.log(`  ${String(concurrency).padStart(7)}  added     ${added.ttft50.toFixed(2).padStart(7)} ms ${added.ttft99.toFixed(2).padStart(7)} ms ${added.p50.toFixed(2).padStart(8)} ms ${added.p99.toFixed(2).padStart(7)} ms`);
}

/** Whole (non-streamed) requests from `workers` loops for `seconds`: completed requests per second. */
async function saturate(baseUrl, model, key, workers, seconds) {
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const response = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: body(false).replace('openai/bench-model', model) });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        completed++;
      }
    }),
  );
  return completed / seconds;
}
const directCpu = cpuMeter();
const directRps = await saturate(upstreamUrl, 'bench-model', 'sk-bench-not-a-key', 64, saturationSeconds);
const directShares = directCpu();
const gatewayCpu = cpuMeter();
const gatewayRps = await saturate(gatewayUrl, 'openai/bench-model', token, 64, saturationSeconds);
const gatewayShares = gatewayCpu(Math.round(gatewayRps * saturationSeconds));
console.log(`  saturation (64 clients, whole replies, ${saturationSeconds} s each): direct ${directRps.toFixed(0)} req/s, through the gateway ${gatewayRps.toFixed(0)} req/s`);
console.log(`  CPU of one core at saturation: direct (${directShares}); through the gateway (${gatewayShares})`);
const at100 = summary.find((line) => line.concurrency === 100);
if (at100) console.log(`  added at 100 streams: p50 ${at100.p50.toFixed(2)} ms (target ≤ 1), p99 ${at100.p99.toFixed(2)} ms (target ≤ 5)`);

gateway.child.kill('SIGTERM');
upstream.child.kill('SIGTERM');
await new Promise((resolve) => gateway.child.once('exit', resolve));
rmSync(home, { recursive: true, force: true });
