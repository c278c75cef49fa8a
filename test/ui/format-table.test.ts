import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/ui/format-table.js';

describe('tables line their columns up', () => {
  it('text left, numbers right, two spaces apart, no trailing spaces', () => {
    const table = formatTable(
      [{ header: 'model' }, { header: 'calls', align: 'right' }, { header: 'note' }],
      [
        ['openai/gpt-4.1', '12', ''],
        ['ollama/llama3.3', '3', 'local'],
      ],
      '  ',
    );
    expect(table).toBe(
      ['  model            calls  note', '  openai/gpt-4.1      12', '  ollama/llama3.3      3  local', ''].join('\n'),
    );
  });
});
