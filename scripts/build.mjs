// Bundles src/ into dist/ (code-split ESM, dependencies left external so vendor SDKs load only
// when a command imports them) and writes the oclif manifest, without which oclif would import
// every command file on every run.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
rmSync(new URL('../oclif.manifest.json', import.meta.url), { force: true });

await build({
  absWorkingDir: root,
  entryPoints: { commands: 'src/commands.ts', help: 'src/help.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

const { Config } = await import('@oclif/core');
const config = await Config.load({ root });
const plugin = config.plugins.get(config.pjson.name);
writeFileSync(
  new URL('../oclif.manifest.json', import.meta.url),
  JSON.stringify({ commands: plugin.manifest.commands, version: config.version }, null, 2) + '\n',
);
