import type { ProviderModelList } from '../providers/list-models.js';

/** The human form of `openkoi models`: one block per provider, the default starred. */
export function renderModelList(lists: readonly ProviderModelList[]): string {
  if (lists.length === 0) return 'No provider is configured: run `openkoi` in a terminal for the setup picker, or see `openkoi --help`.\n';
  const lines: string[] = [];
  for (const list of lists) {
    lines.push(`${list.provider} (${list.name}) · ${list.source}${list.listedBy === 'catalog' ? ' · from the catalog' : ''}`);
    if (list.error) lines.push(`  ! ${list.error}`);
    for (const model of list.models) lines.push(`  ${model.default ? '*' : ' '} ${list.provider}/${model.id}`);
    lines.push('');
  }
  lines.push('* default model of the provider');
  return `${lines.join('\n')}\n`;
}
