import { formatBytes, formatMs, formatRatio, markdownTable, median, synthChartSvg } from '../../bench/report';

describe('median', () => {
  test('is the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  test('is the mean of the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('refuses no values', () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe('formatting', () => {
  test('ratios read as multiples, a dash without a base', () => {
    expect(formatRatio(1530, 1500)).toBe('1.02×');
    expect(formatRatio(900, 0)).toBe('–');
    expect(formatRatio(900, undefined)).toBe('–');
  });

  test('durations switch from milliseconds to seconds at one second', () => {
    expect(formatMs(312.4)).toBe('312 ms');
    expect(formatMs(1234)).toBe('1.23 s');
  });

  test('sizes use decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(74_512)).toBe('74.5 kB');
    expect(formatBytes(1_200_000)).toBe('1.20 MB');
  });
});

describe('markdownTable', () => {
  test('pads columns to line up and marks right-aligned ones', () => {
    const table = markdownTable(['stack', 'time'], [['empty', '0.41 s'], ['library, N = 30', '1.62 s']], ['left', 'right']);
    expect(table.split('\n')).toEqual([
      '| stack           |   time |',
      '|-----------------|-------:|',
      '| empty           | 0.41 s |',
      '| library, N = 30 | 1.62 s |',
    ]);
  });

  test('refuses a row with a missing cell', () => {
    expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow(/1 cells in a table of 2 columns/);
  });
});

describe('synthChartSvg', () => {
  const svg = synthChartSvg({
    title: 'synth <median>',
    floorMs: 400,
    groups: [
      { label: 'N = 1', libraryMs: 800, awsCustomResourceMs: 900 },
      { label: 'N = 30', libraryMs: 1600, awsCustomResourceMs: 2400, awsCustomResourceNote: 'over 500 resources' },
    ],
  });
  const barHeights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#/g)].map((match) => Number(match[1]));

  test('draws one bar per time, as tall as the time', () => {
    // The two legend swatches come first.
    const bars = barHeights.slice(2);
    expect(bars).toHaveLength(4);
    expect(bars[1] / bars[0]).toBeCloseTo(900 / 800, 1);
    expect(bars[3] / bars[0]).toBeCloseTo(2400 / 800, 1);
  });

  test('labels the groups and the notes, escaping text', () => {
    expect(svg).toContain('>N = 30<');
    expect(svg).toContain('>over 500 resources<');
    expect(svg).toContain('synth &lt;median&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});
