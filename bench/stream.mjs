// bench/stream: streaming throughput of `openkoi -i 0` reading a long fake stream, against a plain
// script using the same SDK on the same fake, paired in one run. Target: openkoi ≥ 0.9x the plain
// script's tokens per second. Run: npm run bench -- stream
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './support/measure.mjs';

const { startFakeVendors } = await import('../build/fakes.js');
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const plain = fileURLToPath(new URL('./support/plain-openai-stream.mjs', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const tokens = Number(process.env.BENCH_TOKENS ?? 20000);

const fake = await startFakeVendors();
const chunks = Array.from({ length: tokens }, (_, index) => `t${index % 10} `);
const expected = chunks.join('');
const environment = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  OPENKOI_HOME: fileURLToPath(new URL('../build/bench-home', import.meta.url)),
  OPENAI_API_KEY: 'sk-bench-not-a-key',
  OPENAI_BASE_URL: `${fake.url}/v1`,
};

function timeRun(args) {
  fake.script('openai.chat', { chunks });
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (errors += data));
    child.on('close', (code) => {
      const milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0 || output.trim() !== expected.trim()) {
        reject(new Error(`${args.join(' ')} exited ${code} with ${output.length} chars: ${errors}`));
      } else {
        resolve(milliseconds);
      }
    });
  });
}

const samples = { plain: [], openkoi: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['plain', 'openkoi'] : ['openkoi', 'plain'];
  for (const name of order) {
    samples[name].push(await timeRun(name === 'plain' ? [plain] : [bin, '-i', '0', '-m', 'openai/bench-model', 'go']));
  }
}
await fake.stop();

const plainMs = median(samples.plain);
const openkoiMs = median(samples.openkoi);
const rate = (milliseconds) => tokens / (milliseconds / 1000);
console.log(`stream (${tokens} streamed deltas, ${rounds} paired rounds, medians, process start to exit)`);
console.log(`  plain openai SDK script  ${plainMs.toFixed(0)} ms  ${rate(plainMs).toFixed(0)} tokens/s`);
console.log(`  openkoi -i 0             ${openkoiMs.toFixed(0)} ms  ${rate(openkoiMs).toFixed(0)} tokens/s`);
console.log(`  ratio openkoi / plain    ${(rate(openkoiMs) / rate(plainMs)).toFixed(2)}x (target ≥ 0.90x)`);
