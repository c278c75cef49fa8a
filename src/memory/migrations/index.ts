import { taskRecords } from './001-task-records.js';
import { cooldowns } from './002-cooldowns.js';
import { usageRecords } from './003-usage-records.js';
import { memories } from './004-memories.js';
import { history } from './005-history.js';
import { gatewayTokens } from './006-gateway-tokens.js';
import { finishReasonsAndUnknownUsage } from './008-finish-reasons-and-unknown-usage.js';
import { cooldownsPerEndpoint } from './010-cooldowns-per-endpoint.js';
import { iterationToolCalls } from './011-iteration-tool-calls.js';

export interface Migration {
  name: string;
  sql: string;
}

/** Applied in order; the database's user_version counts how many have run. Never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  taskRecords,
  cooldowns,
  usageRecords,
  memories,
  history,
  gatewayTokens,
  finishReasonsAndUnknownUsage,
  cooldownsPerEndpoint,
  iterationToolCalls,
];
