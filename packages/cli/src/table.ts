// kubectl-style tables: upper-case headers, columns padded with three spaces, no borders.

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string): number => text.replace(ansi, '').length;

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell) + 3),
      )
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((text) => `${text}\n`).join('');
}

/** One row laid out with the same widths a table of `widths` would use (for --watch, which prints rows as they come). */
export function renderRow(widths: readonly number[], cells: readonly string[]): string {
  return (
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : cell + ' '.repeat(Math.max(0, (widths[column] ?? 0) - visibleLength(cell)) + 3),
      )
      .join('')
      .trimEnd() + '\n'
  );
}
