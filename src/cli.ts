// The oclif entry (bin/run.js imports it for everything but the fast paths).
import { execute } from '@oclif/core';

export async function main(args: string[]): Promise<void> {
  // oclif shows help after a parse error from process.argv: make it see the default command too.
  process.argv = [...process.argv.slice(0, 2), ...args];
  await execute({ args, dir: new URL('../bin/run.js', import.meta.url).href });
}
