#!/usr/bin/env node
// The fast paths (--version, --help) read the shipped manifest and never load oclif.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`openkoi/${manifest.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { helpFor } = await import('../dist/help-text.js');
  const width = Math.max(60, Math.min(process.stdout.columns || 80, 120));
  const help = helpFor(argv, manifest, manifest.description ?? '', width);
  if (help !== undefined) {
    process.stdout.write(help);
  } else {
    const { main } = await import('../dist/cli.js');
    await main(argv, Object.keys(manifest.commands));
  }
}
