import type { Memory } from '../memory/memory-store.js';
import { formatTable } from './format-table.js';

function when(epochMs: number | undefined): string {
  return epochMs === undefined ? '—' : new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
}

function oneLine(text: string, width = 80): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

export function renderMemoryList(memories: readonly Memory[]): string {
  if (memories.length === 0) return 'No memories yet. openkoi learns from each task; openkoi memory add "a standing fact" tells it one.\n';
  return formatTable(
    [{ header: 'ID', align: 'right' }, { header: 'KIND' }, { header: 'CONF', align: 'right' }, { header: 'CREATED' }, { header: 'CONTENT' }],
    memories.map((memory) => [String(memory.id), memory.kind, memory.confidence.toFixed(2), when(memory.createdAt), oneLine(memory.content)]),
  );
}

export function renderMemory(memory: Memory): string {
  return [
    `Memory ${memory.id} (${memory.kind})`,
    memory.content,
    '',
    `confidence     ${memory.confidence.toFixed(3)} (half-life ${memory.halfLifeDays} days)`,
    `reinforced     ${memory.timesReinforced} time${memory.timesReinforced === 1 ? '' : 's'}, last ${when(memory.reinforcedAt)}`,
    `created        ${when(memory.createdAt)}`,
    `last used      ${when(memory.lastUsedAt)}`,
    `source task    ${memory.sourceTask ?? '— (added by hand)'}`,
  ].join('\n') + '\n';
}

export interface SearchHitView {
  id: number;
  kind: string;
  content: string;
  score: number;
  foundBy: string[];
}

export function renderSearchHits(hits: readonly SearchHitView[]): string {
  if (hits.length === 0) return 'Nothing found.\n';
  return formatTable(
    [{ header: 'ID', align: 'right' }, { header: 'SCORE', align: 'right' }, { header: 'FOUND BY' }, { header: 'KIND' }, { header: 'CONTENT' }],
    hits.map((hit) => [String(hit.id), hit.score.toFixed(4), hit.foundBy.join('+'), hit.kind, oneLine(hit.content)]),
  );
}

export function renderMemoryStats(stats: { memories: number; byKind: Record<string, number>; cachedEmbeddings: number; spaces: Array<{ model: string; dimension: number; vectors: number }> }): string {
  const kinds = Object.entries(stats.byKind).map(([kind, count]) => `${kind} ${count}`).join(', ');
  const spaces = stats.spaces.map((space) => `  ${space.model} (${space.dimension} dimensions): ${space.vectors} vectors`).join('\n');
  return [`memories           ${stats.memories}${kinds ? ` (${kinds})` : ''}`, `cached embeddings  ${stats.cachedEmbeddings}`, `vector spaces${spaces ? `\n${spaces}` : '      none'}`].join('\n') + '\n';
}

/** What `openkoi memory index` did, one line per embedding space. */
export function renderIndexRefresh(spaces: ReadonlyArray<{ model: string; dimension: number; vectors: number; result: string; seconds: number }>): string {
  if (spaces.length === 0) return 'No memory has a vector yet: nothing to index.\n';
  const said: Record<string, (seconds: string) => string> = {
    built: (seconds) => `index built in ${seconds} s`,
    updated: (seconds) => `index updated in ${seconds} s`,
    current: () => 'index up to date',
    busy: () => 'another process is writing the index; try again when it is done',
    small: () => 'exact search (small enough; the index starts at 20,000 vectors)',
    unavailable: () => 'exact search (usearch cannot load on this platform)',
  };
  return spaces.map((space) => `${space.model} (${space.dimension}-d, ${space.vectors} vectors): ${said[space.result]?.(space.seconds.toFixed(1)) ?? space.result}\n`).join('');
}
