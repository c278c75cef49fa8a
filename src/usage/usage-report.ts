import type { Database } from '../memory/database.js';
import { localDay } from './parse-since.js';
import { compareCodePoints } from '../model/compare-code-points.js';

/** Tokens and spend of a group of calls. */
export interface SpendLine {
  calls: number;
  /** Calls that failed after the vendor had reported usage (their tokens were still billed). */
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Sum over the calls with a known price; null when none of them has one. */
  costUsd: number | null;
  /** Calls whose price is unknown: counted apart, never guessed. */
  unpricedCalls: number;
}

export interface CacheSavings {
  /** Prompt tokens served from a cache: the tokens caching saved. */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Cache reads priced at the input rate minus what they cost. */
  savedUsd: number;
  /** What cache writes cost above the input rate (Anthropic bills them at 1.25x input). */
  writePremiumUsd: number;
  /** savedUsd − writePremiumUsd: what caching saved after paying for itself. */
  netSavedUsd: number;
  /** Cache reads of calls with unknown prices: their saving cannot be computed. */
  unpricedCacheReadTokens: number;
}

export interface UsageReport {
  /** ISO instants: the report covers calls at or after `since` and before `until`. */
  since: string;
  until: string;
  totals: SpendLine;
  byDay: Array<{ day: string } & SpendLine>;
  byModel: Array<{ model: string } & SpendLine>;
  byRole: Array<{ role: string } & SpendLine>;
  byProvider: Array<{ provider: string } & SpendLine>;
  /** Calls made for `openkoi serve` clients, by the client token's name (openkoi's own runs are not in it). */
  byToken: Array<{ token: string } & SpendLine>;
  caching: CacheSavings;
  /** `provider/model` of every model with calls of unknown price, so the report can flag them. */
  unpricedModels: string[];
}

interface StoredRow {
  at: number;
  role: string;
  provider: string;
  requested_model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  price_known: number;
  cache_saved_usd: number | null;
  cache_write_premium_usd: number | null;
  outcome: string;
  source: string | null;
}

/**
 * Spend from the `usage` table between `since` and `until`, by local day, model (as configured,
 * `provider/model`), role and provider. Days in calendar order; models, roles and providers most
 * expensive first.
 */
export function buildUsageReport(database: Database, since: Date, until: Date = new Date()): UsageReport {
  const rows = database
    .prepare(
      `SELECT at, role, provider, requested_model, input_tokens, output_tokens, cache_read_tokens,
              cache_write_tokens, reasoning_tokens, cost_usd, price_known, cache_saved_usd,
              cache_write_premium_usd, outcome, source
         FROM usage WHERE at >= ? AND at < ? ORDER BY at`,
    )
    .all(since.getTime(), until.getTime()) as StoredRow[];

  const totals = emptySpendLine();
  const byDay = new Map<string, SpendLine>();
  const byModel = new Map<string, SpendLine>();
  const byRole = new Map<string, SpendLine>();
  const byProvider = new Map<string, SpendLine>();
  const byToken = new Map<string, SpendLine>();
  const caching: CacheSavings = {
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    savedUsd: 0,
    writePremiumUsd: 0,
    netSavedUsd: 0,
    unpricedCacheReadTokens: 0,
  };
  const unpricedModels = new Set<string>();

  for (const row of rows) {
    const model = `${row.provider}/${row.requested_model}`;
    for (const line of [totals, lineOf(byDay, localDay(row.at)), lineOf(byModel, model), lineOf(byRole, row.role), lineOf(byProvider, row.provider)]) {
      addRow(line, row);
    }
    if (row.source !== null) addRow(lineOf(byToken, row.source), row);
    caching.cacheReadTokens += row.cache_read_tokens;
    caching.cacheWriteTokens += row.cache_write_tokens;
    if (row.price_known) {
      caching.savedUsd += row.cache_saved_usd ?? 0;
      caching.writePremiumUsd += row.cache_write_premium_usd ?? 0;
    } else {
      caching.unpricedCacheReadTokens += row.cache_read_tokens;
      unpricedModels.add(model);
    }
  }
  caching.netSavedUsd = caching.savedUsd - caching.writePremiumUsd;
  // No calls at all cost nothing; calls that all have unknown prices keep their null.
  if (totals.calls === 0) totals.costUsd = 0;

  return {
    since: since.toISOString(),
    until: until.toISOString(),
    totals,
    byDay: [...byDay].sort(([a], [b]) => compareCodePoints(a, b)).map(([day, line]) => ({ day, ...line })),
    byModel: byCost(byModel).map(([model, line]) => ({ model, ...line })),
    byRole: byCost(byRole).map(([role, line]) => ({ role, ...line })),
    byProvider: byCost(byProvider).map(([provider, line]) => ({ provider, ...line })),
    byToken: byCost(byToken).map(([token, line]) => ({ token, ...line })),
    caching,
    unpricedModels: [...unpricedModels].sort(),
  };
}

export function emptySpendLine(): SpendLine {
  return {
    calls: 0,
    failedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    unpricedCalls: 0,
  };
}

function lineOf(lines: Map<string, SpendLine>, key: string): SpendLine {
  let line = lines.get(key);
  if (!line) {
    line = emptySpendLine();
    lines.set(key, line);
  }
  return line;
}

function addRow(line: SpendLine, row: StoredRow): void {
  line.calls += 1;
  if (row.outcome !== 'ok') line.failedCalls += 1;
  line.inputTokens += row.input_tokens;
  line.outputTokens += row.output_tokens;
  line.cacheReadTokens += row.cache_read_tokens;
  line.cacheWriteTokens += row.cache_write_tokens;
  line.reasoningTokens += row.reasoning_tokens ?? 0;
  if (row.price_known && row.cost_usd !== null) line.costUsd = (line.costUsd ?? 0) + row.cost_usd;
  else line.unpricedCalls += 1;
}

// Most expensive first; lines of unknown cost after the priced ones, then by name for a stable order.
function byCost(lines: Map<string, SpendLine>): Array<[string, SpendLine]> {
  return [...lines].sort(([nameA, a], [nameB, b]) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || compareCodePoints(nameA, nameB));
}
