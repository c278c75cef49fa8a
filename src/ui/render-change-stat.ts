import type { FileChange } from '../tools/change-tracker.js';

/** A diff stat like git's: one line per file, then a total that says whether it was committed. */
export function renderChangeStat(changes: FileChange[], committed = false): string[] {
  const width = Math.max(...changes.map((change) => change.path.length));
  const lines = changes.map((change) => `${change.path.padEnd(width)} | ${change.status === 'modified' ? '' : `${change.status} `}+${change.additions} −${change.deletions}`);
  const additions = changes.reduce((sum, change) => sum + change.additions, 0);
  const deletions = changes.reduce((sum, change) => sum + change.deletions, 0);
  lines.push(`${changes.length} file${changes.length === 1 ? '' : 's'} changed, +${additions} −${deletions}${committed ? '' : ' (not committed)'}`);
  return lines;
}
