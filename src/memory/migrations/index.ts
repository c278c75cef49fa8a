import { taskRecords } from './001-task-records.js';
import { cooldowns } from './002-cooldowns.js';
import { usageRecords } from './003-usage-records.js';
import { gatewayTokens } from './006-gateway-tokens.js';

export interface Migration {
  name: string;
  sql: string;
}

/** Applied in order; the database's user_version counts how many have run. Never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  taskRecords,
  cooldowns,
  usageRecords,
  // 004 and 005 are reserved for work landing in parallel; keep this list in file-number order.
  gatewayTokens,
];
