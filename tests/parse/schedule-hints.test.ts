// What a feed says about when to read it: RSS syndication module (sy:updatePeriod,
// sy:updateFrequency) and RSS 2.0 skipHours / skipDays, as exposed by parseFeed.
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const SY = 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"';
const rss = (channel: string) => `<?xml version="1.0"?><rss version="2.0" ${SY}><channel><title>T</title>${channel}<item><title>a</title></item></channel></rss>`;
const rdf = (channel: string) =>
  `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" ${SY}>` +
  `<channel rdf:about="https://ex.org/"><title>T</title>${channel}</channel><item rdf:about="https://ex.org/a"><title>a</title></item></rdf:RDF>`;

describe('parseFeed: schedule hints', () => {
  it.each([
    // Syndication module: the period (default daily) divided by the frequency (default 1).
    { name: 'hourly, twice', xml: rss('<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>'), period: 30 },
    { name: 'weekly', xml: rss('<sy:updatePeriod> Weekly </sy:updatePeriod>'), period: 7 * 24 * 60 },
    { name: 'a frequency alone: daily, 4 times', xml: rss('<sy:updateFrequency>4</sy:updateFrequency>'), period: 360 },
    { name: 'RSS 1.0 (RDF), where the module was born', xml: rdf('<sy:updatePeriod>daily</sy:updatePeriod>'), period: 1440 },
    { name: 'an unknown period', xml: rss('<sy:updatePeriod>fortnightly</sy:updatePeriod>'), period: null },
    { name: 'a zero frequency', xml: rss('<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>'), period: null },
    { name: 'none', xml: rss(''), period: null },
  ])('sy:updatePeriod: $name → $period minutes', async ({ xml, period }) => {
    const feed = await parseFeed(xml, { contentType: 'application/rss+xml', url: 'https://ex.org/feed' });
    expect(feed.updatePeriodMinutes).toBe(period);
  });

  it.each([
    // RSS 2.0 spec: <hour> 0–23 in GMT; 24 (midnight, seen in the wild) is read as 0; junk is dropped.
    { name: 'hours, deduplicated and sorted', channel: '<skipHours><hour>23</hour><hour>0</hour><hour>24</hour><hour>x</hour><hour>31</hour></skipHours>', hours: [0, 23], days: [] },
    // <day> Monday … Sunday.
    { name: 'days, any case, in week order', channel: '<skipDays><day>sunday</day><day>Saturday</day><day>Caturday</day></skipDays>', hours: [], days: ['Sunday', 'Saturday'] },
    { name: 'neither', channel: '', hours: [], days: [] },
  ])('skipHours / skipDays: $name', async ({ channel, hours, days }) => {
    const feed = await parseFeed(rss(channel), { contentType: 'application/rss+xml', url: 'https://ex.org/feed' });
    expect(feed.skipHours).toEqual(hours);
    expect(feed.skipDays).toEqual(days);
  });

  it('JSON Feed has none of them', async () => {
    const feed = await parseFeed(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [] }), {
      contentType: 'application/feed+json',
      url: 'https://ex.org/feed.json',
    });
    expect(feed).toMatchObject({ updatePeriodMinutes: null, skipHours: [], skipDays: [] });
  });
});
