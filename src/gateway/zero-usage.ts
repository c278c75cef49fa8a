import type { Usage } from '../model/usage.js';

/** What the gateway reports to a client when the vendor sent no counts (the usage row says unknown). */
export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
