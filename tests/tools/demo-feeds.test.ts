// The demo's feeds hold news only (issue 18, finding 2: the JSON Feed fixture's own test item,
// "Fake item" with no date and https://example.com, topped the demo's home page, dated at fetch time).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FOLDER = 'demo/feeds';

describe('demo feeds', () => {
  it.each(readdirSync(FOLDER).filter((name) => /\.(xml|atom|json)$/.test(name)))('%s holds no test fixture item', (name) => {
    const text = readFileSync(join(FOLDER, name), 'latin1');
    expect(text).not.toMatch(/Fake item|"url": "https:\/\/example\.com"/);
  });

  it('every item of the JSON Feed has a date', () => {
    const feed = JSON.parse(readFileSync(join(FOLDER, 'influxdata.json'), 'utf8')) as { items: Array<{ date_published?: string }> };
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.items.filter((item) => item.date_published === undefined)).toEqual([]);
  });
});
