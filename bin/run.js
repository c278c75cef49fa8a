#!/usr/bin/env node
// `openkoi "task"` is `openkoi run "task"`: anything that is not a command or a root flag goes to
// the default command. The fast paths (--version, --help, a plain run) read the shipped manifest
// and never load oclif; everything else goes through oclif.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
const argv = process.argv.slice(2);

async function main() {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`openkoi/${manifest.version} ${process.platform}-${process.arch} node-${process.version}\n`);
    return;
  }
  const { helpFor } = await import('../dist/help-text.js');
  const width = Math.max(60, Math.min(process.stdout.columns || 80, 120));
  const help = helpFor(argv, manifest, manifest.description ?? '', width);
  if (help !== undefined) {
    process.stdout.write(help);
    return;
  }
  // A typo of a command (`openkoi stauts`) is a usage error, not a paid task (src/app/route-command-line.ts).
  const { routeCommandLine, tryRunFast, tryStatusFast } = await import('../dist/fast-run.js');
  const route = routeCommandLine(argv, manifest);
  if (route.kind === 'usage-error') {
    process.stderr.write(`openkoi: ${route.message}\n`);
    process.exitCode = 2;
    return;
  }
  const args = route.args;
  if (args[0] === 'run' && (await tryRunFast(args.slice(1), manifest.commands.run))) return;
  if (args[0] === 'status' && (await tryStatusFast(args.slice(1), manifest.commands.status))) return;
  const { main: runOclif } = await import('../dist/cli.js');
  await runOclif(args);
}

await main();
