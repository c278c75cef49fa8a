import type { Migration } from './index.js';

/**
 * The executor's tool calls of each iteration, for `openkoi history <id>`: one line each as the
 * progress line showed it (`edit src/a.ts (+3 −1)`, `shell npm test → exit 1 in 4.2 s`), redacted,
 * never the arguments or the output (which may hold anything the workspace holds).
 */
export const iterationToolCalls: Migration = {
  name: 'tool calls per iteration',
  sql: `
    ALTER TABLE iterations ADD COLUMN tool_calls_json TEXT;   -- [{ tool, summary, isError }]
  `,
};
