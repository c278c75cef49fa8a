import type { Migration } from './index.js';

/**
 * Why each iteration's answer ended (a truncated or refused answer is visible in the history),
 * and usage rows whose counts the vendor never sent: recorded as unknown (usage_known = 0, no
 * cost), never as a free call.
 */
export const finishReasonsAndUnknownUsage: Migration = {
  name: 'finish reasons of iterations, unknown usage',
  sql: `
    ALTER TABLE iterations ADD COLUMN finish_reason TEXT;   -- stop | length | tool-calls | content-filter | error | other
    ALTER TABLE usage ADD COLUMN usage_known INTEGER NOT NULL DEFAULT 1;
  `,
};
