// bench/startup: `openkoi --version` and `openkoi --help` against `node -e 0`, paired in one run.
// Target: at most 100 ms more than `node -e 0` (median). Run: npm run bench -- startup
import { fileURLToPath } from 'node:url';
import { formatMs, pairedMedians, timeCommand } from './support/measure.mjs';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 25);

function measure(label, environment) {
  const node = process.execPath;
  const medians = pairedMedians(
    {
      'node -e 0': () => timeCommand(node, ['-e', '0'], environment),
      'openkoi --version': () => timeCommand(node, [bin, '--version'], environment),
      'openkoi --help': () => timeCommand(node, [bin, '--help'], environment),
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
