// bench/startup: `openkoi --version`, `openkoi --help` and `openkoi status` against `node -e 0`,
// paired in one run. Targets (median over node -e 0): --version and --help at most 100 ms,
// status at most 80 ms. Run: npm run bench -- startup
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMs, pairedMedians, timeCommand } from './support/measure.mjs';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 25);

const statusHome = mkdtempSync(join(tmpdir(), 'openkoi-bench-status-'));
const statusEnvironment = { HOME: statusHome, OPENKOI_HOME: join(statusHome, '.openkoi'), OPENAI_API_KEY: 'sk-bench-status-0123456789' };
process.on('exit', () => rmSync(statusHome, { recursive: true, force: true }));

function measure(label, environment) {
  const node = process.execPath;
  const medians = pairedMedians(
    {
      'node -e 0': () => timeCommand(node, ['-e', '0'], environment),
      'openkoi --version': () => timeCommand(node, [bin, '--version'], environment),
      'openkoi --help': () => timeCommand(node, [bin, '--help'], environment),
      // A fresh home with one key: status reads config, credentials, the database and cooldowns.
      'openkoi status': () => timeCommand(node, [bin, 'status'], { ...environment, ...statusEnvironment }),
    },
    rounds,
  );
  const base = medians['node -e 0'];
  console.log(`startup (${label}, ${rounds} rounds, medians)`);
  for (const [name, value] of Object.entries(medians)) {
    const delta = name === 'node -e 0' ? '' : `  (+${formatMs(value - base)} over node -e 0)`;
    console.log(`  ${name.padEnd(20)} ${formatMs(value)}${delta}`);
  }
  return medians;
}

const clean = { PATH: process.env.PATH, HOME: process.env.HOME };
if (process.env.NODE_EXTRA_CA_CERTS) {
  measure(`with NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}`, { ...clean, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS });
}
measure('without NODE_EXTRA_CA_CERTS', clean);
