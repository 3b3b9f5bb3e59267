// Plain-text tables for the terminal and the README. Hand-written (a dozen lines): console.table quotes
// strings and adds an index column, and no table package is a dependency.

export type Cell = string | number | undefined;

function show(cell: Cell): string {
  if (cell === undefined || (typeof cell === 'number' && Number.isNaN(cell))) return '–';
  if (typeof cell === 'string') return cell;
  return Math.abs(cell) >= 100 ? cell.toFixed(0) : Math.abs(cell) >= 10 ? cell.toFixed(1) : cell.toFixed(2);
}

/** A Markdown table (readable as is in a terminal) with numbers right-aligned. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map(show));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]?.length ?? 0)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] !== 'string'));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...text.map(line)].join('\n');
}
