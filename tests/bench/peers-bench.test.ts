// The helpers of `npm run bench:peers` (tools/bench): the feed expansion, the soak's edit, the
// rusage line and the verdicts. The bench itself is not run here (it needs minutes and peers).
import { describe, expect, it } from 'vitest';
import { addSoakItem, copyFeed, countItems, expandFeeds } from '../../tools/bench/peer-feeds.js';
import { evaluateTargets, soakVerdict } from '../../tools/bench/peers-report.js';
import { parseRusage, type Rusage } from '../../tools/bench/rusage.js';
import { sumSmaps } from '../../tools/bench/soak-memory.js';

const FEED = `<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0"><channel><title>Lab News</title><link>https://lab.example.org/news</link>
    <item>
      <title>Model A</title>
      <link>https://lab.example.org/news/model-a?x=1&amp;y=2</link>
      <guid isPermaLink="false">https://lab.example.org/news/model-a</guid>
    </item>
    <item>
      <title>Model B</title>
      <link>https://lab.example.org</link>
      <guid>b</guid>
    </item>
</channel></rss>`;

describe('peer feed expansion', () => {
  it('keeps copy 0 as it is and gives copy k new titles, links and guids', () => {
    expect(copyFeed(FEED, 0)).toBe(FEED);
    const copy = copyFeed(FEED, 2);
    expect(copy).toContain('<title>Lab News [2]</title>');
    expect(copy).toContain('<title>Model A [2]</title>');
    expect(copy).toContain('<link>https://lab.example.org/copy-2/news/model-a?x=1&amp;y=2</link>');
    expect(copy).toContain('<link>https://lab.example.org/copy-2/</link>');
    expect(copy).toContain('<guid isPermaLink="false">https://lab.example.org/news/model-a#copy-2</guid>');
    expect(copy).toContain('<guid>b#copy-2</guid>');
    expect(countItems(copy)).toBe(2);
  });

  it('cycles through the sources: feed i is source i mod n, copy ⌊i / n⌋', () => {
    const feeds = expandFeeds([FEED, FEED.replace('Lab News', 'Other')], 5);
    expect(feeds).toHaveLength(5);
    expect(feeds[0]).toBe(FEED);
    expect(feeds[3]).toContain('<title>Other [1]</title>');
    expect(feeds[4]).toContain('<title>Lab News [2]</title>');
    expect(new Set(feeds).size).toBe(5);
  });

  it('a soak edit puts one new item first and drops the last, so the feed keeps its length in items', () => {
    const edited = addSoakItem(FEED, 7, new Date(Date.UTC(2026, 11, 7)));
    expect(countItems(edited)).toBe(2);
    expect(edited.indexOf('soak-7')).toBeLessThan(edited.indexOf('Model A'));
    expect(edited).not.toContain('Model B');
    expect(edited).toContain('<pubDate>Mon, 07 Dec 2026 00:00:00 GMT</pubDate>');
    expect(edited.endsWith('</channel></rss>')).toBe(true);
  });
});

describe('rusage line', () => {
  it('reads "wall user sys maxrss-KiB", after GNU time\'s line about a failed command', () => {
    expect(parseRusage('5.52 7.10 1.00 322560\n')).toEqual({ wallSeconds: 5.52, cpuSeconds: 8.1, peakRssBytes: 322560 * 1024 });
    expect(parseRusage('Command exited with non-zero status 1\n0.20 0.10 0.05 2048\n').peakRssBytes).toBe(2048 * 1024);
    expect(() => parseRusage('Command terminated by signal 9\n')).toThrow(/rusage: expected/);
  });
});

describe('verdicts', () => {
  const MB = 1024 * 1024;
  const samples = (rss: (cycle: number) => number, cycles: number) =>
    Array.from({ length: cycles }, (_, index) => ({ cycle: index + 1, rssBytes: rss(index + 1) * MB }));

  it('a soak is flat when its last 20 cycles stay within 10% of cycles 21–40, and needs 60 cycles to say', () => {
    expect(soakVerdict(samples(() => 100, 200))).toMatchObject({ flat: true, under120: true });
    expect(soakVerdict(samples((cycle) => 90 + cycle / 5, 200))).toMatchObject({ flat: false, under120: false });
    // One high sample after a cycle (the collector's timing) moves neither median; the first cycle, the import, is not counted.
    expect(soakVerdict(samples((cycle) => (cycle === 1 ? 300 : cycle === 30 ? 150 : 100), 200))).toMatchObject({ flat: true, under120: false, growth: 1 });
    expect(soakVerdict(samples((cycle) => (cycle === 1 ? 300 : 100), 200)).under120).toBe(true);
    expect(soakVerdict(samples(() => 100, 40)).flat).toBeNull();
  });

  it('reads each target from its figures, "skipped" when a peer is missing', () => {
    const run = (wall: number, cpu: number, mb: number): Rusage => ({ wallSeconds: wall, cpuSeconds: cpu, peakRssBytes: mb * MB });
    const veille = { first: run(5, 5, 140), notModified: run(0.5, 0.4, 80), noValidators: run(0.7, 0.6, 90) };
    const newsboat = { first: run(8, 6, 60), notModified: run(7, 6, 60), noValidators: run(6, 6, 60) };
    const lines = evaluateTargets(veille, newsboat, null, null);
    expect(lines.map((line) => line.met)).toEqual([true, true, true, true, true, null, null, null]);
    expect(lines[5]?.measured).toBe('skipped');
    expect(lines[1]?.measured).toBe('0.63×');
  });
});

describe('sumSmaps', () => {
  it('sums resident memory by kind of mapping: the node binary (code, data), the brk arena, files, anonymous', () => {
    const smaps = [
      '00400000-00600000 r--p 00000000 08:01 1234 /usr/bin/node',
      'Rss:                1024 kB',
      '00600000-00800000 r-xp 00200000 08:01 1234 /usr/bin/node',
      'Rss:                2048 kB',
      '01000000-02000000 rw-p 00000000 00:00 0 [heap]',
      'Rss:                4096 kB',
      '7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ',
      'Rss:                 512 kB',
      '7f0000100000-7f0000200000 rw-p 00000000 00:00 0',
      'Rss:                 256 kB',
      '7f0000200000-7f0000300000 r-xp 00000000 08:01 99 /opt/veille/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'Rss:                 128 kB',
      '7f0000300000-7f0000400000 r-xp 00000000 08:01 98 /usr/lib/x86_64-linux-gnu/libc.so.6',
      'Rss:                  64 kB',
      '7ffd00000000-7ffd00100000 rw-p 00000000 00:00 0 [stack]',
      'Rss:                  32 kB',
    ].join('\n');
    expect(Object.fromEntries(sumSmaps(smaps, '/usr/bin/node'))).toEqual({
      'node binary, data: ICU, snapshot (file)': 1024 * 1024,
      'node binary, code (file)': 2048 * 1024,
      'main malloc arena ([heap])': 4096 * 1024,
      'anonymous (V8 heaps, thread stacks, mmap arenas)': 768 * 1024,
      'native addons (file)': 128 * 1024,
      'other files (libraries)': 64 * 1024,
      'stacks, vdso': 32 * 1024,
    });
  });
});
