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

/**
 * The middle half of some numbers: the medians of their lower and upper
 * halves (Tukey's hinges; for an odd count the middle value belongs to both).
 */
export function middleHalf(values: readonly number[]): { readonly low: number; readonly high: number } {
  if (values.length === 0) {
    throw new Error('middle half of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.ceil(sorted.length / 2);
  return { low: median(sorted.slice(0, half)), high: median(sorted.slice(sorted.length - half)) };
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

/** One bar of the chart: a median time, footnoted (drawn faded, `¹` after its value) when the chart's footnote applies to it. */
export interface ChartBar {
  readonly ms: number;
  readonly footnoted?: boolean;
}

/** One bar group of the chart: a pipeline count, one bar per series in the chart's order. */
export interface ChartGroup {
  readonly label: string;
  readonly bars: readonly ChartBar[];
}

export interface SynthChart {
  readonly title: string;
  /** The legend's names of the bars of each group, in order. */
  readonly series: readonly string[];
  readonly floorMs: number;
  readonly groups: readonly ChartGroup[];
  /** What `¹` means (e.g. "over 500 resources"), printed under the chart. */
  readonly footnote?: string;
}

/** Three blues (the library's configurations), then orange (the hand-written equivalent), green and purple. */
const SERIES_COLOURS = ['#2f6db5', '#8fb3e0', '#1c3f6e', '#d9822b', '#6a9f3a', '#8c5aa8'];

/** A small bar chart of median synth times, with the empty stack as a dashed line. */
export function synthChartSvg(chart: SynthChart): string {
  if (chart.series.length > SERIES_COLOURS.length) {
    throw new Error(`a chart of ${chart.series.length} series; at most ${SERIES_COLOURS.length} have colours`);
  }
  for (const group of chart.groups) {
    if (group.bars.length !== chart.series.length) {
      throw new Error(`group ${group.label} has ${group.bars.length} bars for ${chart.series.length} series`);
    }
  }
  const legendLine = 16;
  const width = 720;
  const left = 56;
  const right = 16;
  // Title, then one legend line per series and one for the empty stack.
  const top = 30 + legendLine * (chart.series.length + 1) + 12;
  const plotHeight = 220;
  const bottom = chart.footnote ? 52 : 32;
  const height = top + plotHeight + bottom;
  const plotWidth = width - left - right;
  const maxMs = Math.max(chart.floorMs, ...chart.groups.flatMap((group) => group.bars.map((bar) => bar.ms)));
  const stepMs = niceStep(maxMs / 4);
  const scaleMax = Math.ceil(maxMs / stepMs) * stepMs;
  const y = (ms: number) => top + plotHeight - (ms / scaleMax) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, chart.groups.length);
  const gap = 4;
  const barWidth = Math.min(56, (groupWidth * 0.8) / Math.max(1, chart.series.length) - gap);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  chart.series.forEach((name, index) => {
    const lineY = 30 + legendLine * index;
    parts.push(`<rect x="${left}" y="${lineY}" width="10" height="10" fill="${SERIES_COLOURS[index]}"/><text x="${left + 16}" y="${lineY + 9}">${escapeXml(name)}</text>`);
  });
  const floorLegendY = 30 + legendLine * chart.series.length;
  parts.push(`<line x1="${left - 2}" y1="${floorLegendY + 5}" x2="${left + 12}" y2="${floorLegendY + 5}" stroke="#555" stroke-dasharray="4 3"/><text x="${left + 16}" y="${floorLegendY + 9}">empty stack</text>`);
  for (let ms = 0; ms <= scaleMax + 1e-9; ms += stepMs) {
    parts.push(
      `<line x1="${left}" y1="${fixed(y(ms))}" x2="${width - right}" y2="${fixed(y(ms))}" stroke="#e3e3e3"/>`,
      `<text x="${left - 6}" y="${fixed(y(ms) + 4)}" text-anchor="end">${(ms / 1000).toFixed(stepMs < 1000 ? 1 : 0)} s</text>`,
    );
  }
  chart.groups.forEach((group, index) => {
    const centre = left + groupWidth * (index + 0.5);
    const firstX = centre - (chart.series.length * (barWidth + gap) - gap) / 2;
    group.bars.forEach((bar, series) => {
      const x = firstX + series * (barWidth + gap);
      parts.push(
        `<rect x="${fixed(x)}" y="${fixed(y(bar.ms))}" width="${fixed(barWidth)}" height="${fixed(y(0) - y(bar.ms))}" fill="${SERIES_COLOURS[series]}"${bar.footnoted ? ' fill-opacity="0.55"' : ''}/>`,
        `<text x="${fixed(x + barWidth / 2)}" y="${fixed(y(bar.ms) - 4)}" text-anchor="middle">${(bar.ms / 1000).toFixed(2)}${bar.footnoted ? '¹' : ''}</text>`,
      );
    });
    parts.push(`<text x="${fixed(centre)}" y="${fixed(y(0) + 18)}" text-anchor="middle">${escapeXml(group.label)}</text>`);
  });
  parts.push(
    `<line x1="${left}" y1="${fixed(y(chart.floorMs))}" x2="${width - right}" y2="${fixed(y(chart.floorMs))}" stroke="#555" stroke-dasharray="4 3"/>`,
    `<line x1="${left}" y1="${fixed(y(0))}" x2="${width - right}" y2="${fixed(y(0))}" stroke="#555"/>`,
  );
  if (chart.footnote) {
    parts.push(`<text x="${left}" y="${fixed(y(0) + 40)}" font-size="11" fill="#555">¹ ${escapeXml(chart.footnote)}</text>`);
  }
  parts.push('</svg>');
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
