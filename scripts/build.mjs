// Bundles src/ into dist/ and writes the oclif manifest (without which oclif would import every
// command file on every run).
//
// The bundle includes @oclif/core and the small pure-JS dependencies: loading one code-split
// bundle costs a fraction of resolving oclif's 200-odd modules one by one. Vendor SDKs and native
// modules stay external and are imported lazily, only by the code that calls them.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
rmSync(new URL('../oclif.manifest.json', import.meta.url), { force: true });

// openai, @anthropic-ai/sdk and ollama are bundled, not external: they are still loaded only by
// the adapter that calls them (a lazy chunk of its own), but as one file instead of ~200 modules
// resolved one by one. That is ~100 ms off the time to the first request (bench/first-request).
const EXTERNAL = [
  '@google/genai',
  '@aws-sdk/*',
  '@smithy/*',
  'better-sqlite3',
  'sqlite-vec',
  'usearch', // native (HNSW memory index), loaded only for large memory spaces
  // oclif probes for these in development setups; never needed by the shipped CLI.
  'typescript',
  'ts-node',
];

// zod's namespace object re-exports all of its ~60 message locales, so a bundle that imports `z`
// carries every one of them (most of a 485 kB chunk that `openkoi status` and every run load and
// compile: ~50 ms). openkoi speaks English only: `z.locales` keeps `en`, the default, and no other.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: args.importer, namespace: 'zod-english-only' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(new URL('../locales/en.js', `file://${args.path}`).pathname)};`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

await build({
  absWorkingDir: root,
  plugins: [zodEnglishOnly],
  entryPoints: { cli: 'src/cli.ts', commands: 'src/commands.ts', 'help-text': 'src/ui/render-help.ts', 'fast-run': 'src/app/fast-run.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // oclif is CommonJS: inside an ESM bundle its `require` of Node built-ins needs a real require.
  banner: { js: "import { createRequire as __openkoiCreateRequire } from 'node:module'; const require = __openkoiCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  minify: process.env.OPENKOI_BUILD_MINIFY !== '0',
  keepNames: false,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

const { Config } = await import('@oclif/core');
const config = await Config.load({ root });
const plugin = config.plugins.get(config.pjson.name);
writeFileSync(
  new URL('../oclif.manifest.json', import.meta.url),
  JSON.stringify({ commands: plugin.manifest.commands, version: config.version, description: config.pjson.description }, null, 2) + '\n',
);

// The fake vendor servers, compiled for the benchmarks (bench/ runs plain node, not vitest).
await build({
  absWorkingDir: root,
  entryPoints: { fakes: 'test/fakes/start-fake-vendors.ts' },
  outdir: 'build',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
