import type { Database } from '../memory/database.js';
import type { AttemptRecord } from '../model/attempt-record.js';

export interface BatchedRecorder {
  record(attempt: AttemptRecord, source: string): void;
  /** Writes what is pending now (on shutdown). */
  flush(): void;
}

/**
 * Usage rows written together, once per turn of the event loop, in one transaction: under load
 * a commit per request is most of what recording costs, and the gateway's reply need not wait for
 * it. A row lands a tick after its attempt ends (budgets read it from the next request on);
 * `flush()` before the database closes writes what is still pending.
 */
export function batchUsageWrites(database: Database, write: (attempt: AttemptRecord, source: string) => void): BatchedRecorder {
  const pending: Array<[AttemptRecord, string]> = [];
  const writeAll = database.transaction(() => {
    for (const [attempt, source] of pending.splice(0)) write(attempt, source);
  });
  const flush = (): void => {
    if (pending.length === 0) return;
    try {
      writeAll();
    } catch {
      // The transaction could not even begin (the database busy past its timeout, or closed): as
      // with one row (UsageRecorder.write), losing usage rows must not crash a run or the server.
      pending.length = 0;
    }
  };
  return {
    record(attempt, source) {
      if (pending.push([attempt, source]) === 1) setImmediate(flush);
    },
    flush,
  };
}
