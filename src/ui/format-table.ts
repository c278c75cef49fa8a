export type ColumnAlign = 'left' | 'right';

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned, so their digits line up. */
  align?: ColumnAlign;
}

/**
 * Rows as an aligned plain-text table: a header line, then one line per row, columns two spaces
 * apart, no trailing spaces. Plain text keeps it readable when piped into a file or `less`.
 */
export function formatTable(columns: readonly TableColumn[], rows: ReadonlyArray<readonly string[]>, indent = ''): string {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        return column.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join('\n') + '\n';
}
