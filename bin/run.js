#!/usr/bin/env node
// `openkoi "task"` is `openkoi run "task"`: anything that is not a known command or a root flag
// goes to the default command. Command ids come from the shipped oclif manifest.
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('oclif.manifest.json', root), 'utf8'));
const argv = process.argv.slice(2);
const first = argv[0];
const rootFlags = new Set(['--help', '-h', '--version', '-v', 'help']);
const isCommand = first !== undefined && Object.hasOwn(manifest.commands, first);
if (first === undefined || (!isCommand && !rootFlags.has(first))) {
  argv.unshift('run');
}

if (argv[0] === '--version' || argv[0] === '-v') {
  // Answered without loading oclif: `--version` is run in scripts and should cost nothing.
  process.stdout.write(`openkoi/${manifest.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { execute } = await import('@oclif/core');
  await execute({ args: argv, dir: import.meta.url });
}
