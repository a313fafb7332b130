// bench-vs-flux's output: one Markdown table per shape (Fluxion, Flux, Fluxion / Flux), with the date, the machine,
// the load average during the run and the command; and its place in docs/benchmarks.md, between two markers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Row {
  metric: string;
  fluxion: number | string | undefined;
  flux: number | string | undefined;
}
export interface Shape {
  title: string;
  rows: Row[];
}
export interface Report {
  started: Date;
  command: string;
  loads: number[];
  flags: string;
  shapes: Shape[];
  failures: string[];
}

const START = '<!-- bench-vs-flux:start (written by make bench-vs-flux) -->';
const END = '<!-- bench-vs-flux:end -->';

const format = (value: number | string | undefined): string => {
  if (value === undefined) return '–';
  if (typeof value === 'string') return value;
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
};

function ratio(row: Row): string {
  if (typeof row.fluxion !== 'number' || typeof row.flux !== 'number') return '–';
  if (row.flux === 0) return row.fluxion === 0 ? '=' : '∞';
  return `${(row.fluxion / row.flux).toFixed(2)}×`;
}

export function renderReport(report: Report): string {
  const sorted = [...report.loads].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const lines = [
    `Run ${report.started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, shared with other work: 1-minute load average ${sorted[0]?.toFixed(1)}–${sorted.at(-1)?.toFixed(1)} ` +
      `(median ${median.toFixed(1)}) during the run. Flags for both: ${report.flags}.`,
    '',
    `Command: \`${report.command}\``,
    '',
  ];
  for (const shape of report.shapes) {
    lines.push(`#### ${shape.title}`, '', '| | Fluxion | Flux | Fluxion / Flux |', '|---|---:|---:|---:|');
    for (const row of shape.rows)
      lines.push(`| ${row.metric} | ${format(row.fluxion)} | ${format(row.flux)} | ${ratio(row)} |`);
    lines.push('');
  }
  if (report.failures.length > 0) {
    lines.push('Failures:', '', ...report.failures.map((failure) => `- ${failure.split('\n')[0]}`), '');
  }
  return lines.join('\n');
}

/** Replaces the tables between the markers in docs/benchmarks.md (or appends them), keeping the prose around them. */
export function updateBenchmarksDoc(path: string, report: string): void {
  const block = `${START}\n${report.trimEnd()}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${block}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
