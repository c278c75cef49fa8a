// The process entry (bin/run.js imports it). `openkoi "task"` is `openkoi run "task"`: anything
// that is not a known command or a root flag goes to the default command.
import { execute } from '@oclif/core';

export async function main(argv: string[], commandIds: readonly string[]): Promise<void> {
  const first = argv[0];
  const rootWords = new Set(['--help', '-h', 'help', '--version', '-v']);
  const args = first === undefined || (!commandIds.includes(first) && !rootWords.has(first)) ? ['run', ...argv] : argv;
  await execute({ args, dir: new URL('../bin/run.js', import.meta.url).href });
}
