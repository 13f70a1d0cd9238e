import { formatBytes, formatMs, formatRatio, markdownTable, median, middleHalf, synthChartSvg } from '../../bench/report';

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

describe('middleHalf', () => {
  test('spans the medians of the lower and upper halves, whatever the order', () => {
    expect(middleHalf([8, 1, 7, 2, 6, 3, 5, 4])).toEqual({ low: 2.5, high: 6.5 });
  });

  test('counts the middle value of an odd count in both halves', () => {
    expect(middleHalf([5, 1, 3, 2, 4])).toEqual({ low: 2, high: 4 });
  });

  test('of one value is that value, and refuses none', () => {
    expect(middleHalf([7])).toEqual({ low: 7, high: 7 });
    expect(() => middleHalf([])).toThrow(/no values/);
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
    series: ['library, default', 'library, 1 h', 'AwsCustomResource'],
    floorMs: 400,
    groups: [
      { label: 'N = 1', bars: [{ ms: 800 }, { ms: 700 }, { ms: 900 }] },
      { label: 'N = 30', bars: [{ ms: 3200, footnoted: true }, { ms: 1600 }, { ms: 2400, footnoted: true }] },
    ],
    footnote: 'over 500 resources',
  });
  const rects = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="(#\w+)"( fill-opacity)?/g)];
  // The legend's swatches (10 high) come first, one per series.
  const bars = rects.slice(3).map((match) => ({ height: Number(match[1]), colour: match[2], faded: match[3] !== undefined }));

  test('draws one bar per time, as tall as the time, in its series\' colour', () => {
    expect(bars).toHaveLength(6);
    expect(bars[1].height / bars[0].height).toBeCloseTo(700 / 800, 1);
    expect(bars[3].height / bars[0].height).toBeCloseTo(3200 / 800, 1);
    expect(bars[5].height / bars[0].height).toBeCloseTo(2400 / 800, 1);
    expect(bars.map((bar) => bar.colour)).toEqual([...rects.slice(0, 3).map((match) => match[2]), ...rects.slice(0, 3).map((match) => match[2])]);
    expect(new Set(bars.slice(0, 3).map((bar) => bar.colour)).size).toBe(3);
  });

  test('fades and marks the footnoted bars, and explains the mark', () => {
    expect(bars.map((bar) => bar.faded)).toEqual([false, false, false, true, false, true]);
    expect(svg).toContain('>3.20¹<');
    expect(svg).toContain('>1.60<');
    expect(svg).toContain('>¹ over 500 resources<');
  });

  test('labels the groups and the series, escaping text', () => {
    expect(svg).toContain('>N = 30<');
    expect(svg).toContain('>library, 1 h<');
    expect(svg).toContain('synth &lt;median&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  test('gives each of four series (three library configurations and the hand-written equivalent) its own colour', () => {
    const four = synthChartSvg({
      title: 't',
      series: ['library, default', 'library, 1 h', 'library, 72 h', 'AwsCustomResource'],
      floorMs: 400,
      groups: [{ label: 'N = 1', bars: [{ ms: 800 }, { ms: 700 }, { ms: 850 }, { ms: 900 }] }],
    });
    const colours = [...four.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#\w+)"/g)].map((match) => match[1]);
    // Four swatches, then four bars in the same colours.
    expect(colours.slice(4)).toEqual(colours.slice(0, 4));
    expect(new Set(colours).size).toBe(4);
  });

  test('refuses a group without one bar per series', () => {
    expect(() => synthChartSvg({ title: 't', series: ['a', 'b'], floorMs: 1, groups: [{ label: 'N = 1', bars: [{ ms: 1 }] }] })).toThrow(/1 bars for 2 series/);
  });
});
