import { existsSync } from 'node:fs';
import { databasePath } from '../config/paths.js';
import { HistoryStore } from '../memory/history-store.js';
import { openDatabase, type Database } from '../memory/database.js';
import { renderHistoryDetail, renderHistoryList } from '../ui/render-history.js';
import { DAY_MS } from '../memory/memory-decay.js';
import { EXIT } from './exit-codes.js';

export interface RunHistoryInput {
  id?: string;
  limit?: string;
  json: boolean;
  prune: boolean;
  olderThan?: string;
  environment?: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: () => number;
}

class UsageError extends Error {}

/** `openkoi history [ID] [--limit N] [--json]`, `openkoi history --prune --older-than 90d`. */
export function runHistory(input: RunHistoryInput): number {
  const environment = input.environment ?? process.env;
  const now = input.now ?? Date.now;
  let database: Database | undefined;
  const write = (value: unknown, text: () => string) => input.stdout.write(input.json ? `${JSON.stringify(value, null, 2)}\n` : text());
  try {
    if (input.prune && input.olderThan === undefined) throw new UsageError('--prune needs --older-than, for example --older-than 90d.');
    if (!input.prune && input.olderThan !== undefined) throw new UsageError('--older-than goes with --prune.');
    const olderThanDays = input.olderThan === undefined ? undefined : parseDays(input.olderThan);
    let limit = 20;
    if (input.limit !== undefined) {
      if (!/^\d+$/.test(input.limit) || Number(input.limit) < 1) throw new UsageError(`--limit must be a whole number of at least 1, not "${input.limit}".`);
      limit = Number(input.limit);
    }
    const path = databasePath(environment);
    // Nothing recorded yet: history does not create a database to say so.
    if (!existsSync(path)) {
      if (input.id) throw new UsageError(`No task ${input.id}.`);
      write(input.prune ? { pruned: 0 } : [], () => (input.prune ? 'Pruned 0 tasks.\n' : 'No tasks yet.\n'));
      return EXIT.ok;
    }
    database = openDatabase(path);
    const history = new HistoryStore(database);
    if (olderThanDays !== undefined) {
      const pruned = history.pruneOlderThan(now() - olderThanDays * DAY_MS);
      write({ pruned }, () => `Pruned ${pruned} task${pruned === 1 ? '' : 's'} older than ${olderThanDays} days.\n`);
      return EXIT.ok;
    }
    if (input.id) {
      const task = history.find(input.id);
      if (task === 'ambiguous') throw new UsageError(`"${input.id}" matches several tasks: give more of the id.`);
      if (!task) throw new UsageError(`No task ${input.id} (openkoi history lists them).`);
      write(task, () => renderHistoryDetail(task));
      return EXIT.ok;
    }
    const entries = history.list(limit);
    write(entries, () => renderHistoryList(entries));
    return EXIT.ok;
  } catch (error) {
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  } finally {
    database?.close();
  }
}

function parseDays(text: string): number {
  const match = /^([1-9]\d{0,4})d$/.exec(text.trim());
  if (!match) throw new UsageError(`--older-than ${text}: expected a number of days such as 90d.`);
  return Number(match[1]);
}
