/**
 * Arithmetic and rendering of the benchmark's results: medians, ratios,
 * Markdown tables (printed, and pasted into the README) and the SVG chart.
 * No measuring here, so it can be tested.
 */

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `1.02×`; a dash when there is nothing to compare with. */
export function formatRatio(value: number, base: number | undefined): string {
  if (base === undefined || !(base > 0) || !Number.isFinite(value)) {
    return '–';
  }
  return `${(value / base).toFixed(2)}×`;
}

/** `0.84 s` from a second on, `312 ms` below. */
export function formatMs(milliseconds: number): string {
  return milliseconds >= 1000 ? `${(milliseconds / 1000).toFixed(2)} s` : `${Math.round(milliseconds)} ms`;
}

/** `12.3 kB`, `1.20 MB`, or bytes below a kilobyte (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(2)} MB`;
  if (bytes >= 1_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  return `${Math.round(bytes)} B`;
}

/** Seconds of provider time, one decimal: `14.2 s`. */
export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

export type Alignment = 'left' | 'right';

/**
 * A Markdown table whose columns are padded to line up in a terminal too.
 * Columns are left-aligned unless `align` says otherwise.
 */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Alignment[] = []): string {
  for (const row of rows) {
    if (row.length !== headers.length) {
      throw new Error(`row of ${row.length} cells in a table of ${headers.length} columns: ${row.join(' | ')}`);
    }
  }
  const widths = headers.map((header, column) => Math.max(3, header.length, ...rows.map((row) => row[column].length)));
  const pad = (cell: string, column: number) => (align[column] === 'right' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]));
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (align[column] === 'right' ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** One bar group of the chart: a pipeline count, the library's and the AwsCustomResource equivalent's times. */
export interface ChartGroup {
  readonly label: string;
  readonly libraryMs: number;
  readonly awsCustomResourceMs: number;
  /** Marks the AwsCustomResource bar (e.g. "over 500 resources"). */
  readonly awsCustomResourceNote?: string;
}

export interface SynthChart {
  readonly title: string;
  readonly floorMs: number;
  readonly groups: readonly ChartGroup[];
}

const LIBRARY_COLOUR = '#2f6db5';
const AWS_CUSTOM_RESOURCE_COLOUR = '#d9822b';

/** A small bar chart of median synth times, with the empty stack as a dashed line. */
export function synthChartSvg(chart: SynthChart): string {
  const width = 640;
  const height = 300;
  const left = 56;
  const right = 16;
  const top = 48;
  const bottom = 52;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const maxMs = Math.max(chart.floorMs, ...chart.groups.flatMap((group) => [group.libraryMs, group.awsCustomResourceMs]));
  const stepMs = niceStep(maxMs / 4);
  const scaleMax = Math.ceil(maxMs / stepMs) * stepMs;
  const y = (ms: number) => top + plotHeight - (ms / scaleMax) * plotHeight;
  const groupWidth = plotWidth / chart.groups.length;
  const barWidth = Math.min(56, groupWidth / 3);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<rect x="${left}" y="30" width="10" height="10" fill="${LIBRARY_COLOUR}"/><text x="${left + 14}" y="39">cdk-cleanrooms-ml</text>`,
    `<rect x="${left + 140}" y="30" width="10" height="10" fill="${AWS_CUSTOM_RESOURCE_COLOUR}"/><text x="${left + 154}" y="39">AwsCustomResource</text>`,
    `<line x1="${left + 290}" y1="35" x2="${left + 314}" y2="35" stroke="#555" stroke-dasharray="4 3"/><text x="${left + 318}" y="39">empty stack</text>`,
  ];
  for (let ms = 0; ms <= scaleMax + 1e-9; ms += stepMs) {
    parts.push(
      `<line x1="${left}" y1="${fixed(y(ms))}" x2="${width - right}" y2="${fixed(y(ms))}" stroke="#e3e3e3"/>`,
      `<text x="${left - 6}" y="${fixed(y(ms) + 4)}" text-anchor="end">${(ms / 1000).toFixed(stepMs < 1000 ? 1 : 0)} s</text>`,
    );
  }
  chart.groups.forEach((group, index) => {
    const centre = left + groupWidth * (index + 0.5);
    const bars: Array<[number, number, string, string | undefined]> = [
      [centre - barWidth - 2, group.libraryMs, LIBRARY_COLOUR, undefined],
      [centre + 2, group.awsCustomResourceMs, AWS_CUSTOM_RESOURCE_COLOUR, group.awsCustomResourceNote],
    ];
    for (const [x, ms, colour, note] of bars) {
      parts.push(
        `<rect x="${fixed(x)}" y="${fixed(y(ms))}" width="${fixed(barWidth)}" height="${fixed(y(0) - y(ms))}" fill="${colour}"${note ? ' fill-opacity="0.55"' : ''}/>`,
        `<text x="${fixed(x + barWidth / 2)}" y="${fixed(y(ms) - 4)}" text-anchor="middle">${(ms / 1000).toFixed(2)}</text>`,
      );
      if (note) {
        parts.push(`<text x="${fixed(x + barWidth / 2)}" y="${fixed(y(0) + 32)}" text-anchor="middle" font-size="10" fill="#8a4b0f">${escapeXml(note)}</text>`);
      }
    }
    parts.push(`<text x="${fixed(centre)}" y="${fixed(y(0) + 18)}" text-anchor="middle">${escapeXml(group.label)}</text>`);
  });
  parts.push(
    `<line x1="${left}" y1="${fixed(y(chart.floorMs))}" x2="${width - right}" y2="${fixed(y(chart.floorMs))}" stroke="#555" stroke-dasharray="4 3"/>`,
    `<line x1="${left}" y1="${fixed(y(0))}" x2="${width - right}" y2="${fixed(y(0))}" stroke="#555"/>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-9)));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? 10 * power;
}

function fixed(value: number): string {
  return value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
