// processFeed hands back one record per item (the item and what was computed from it), so that no
// consumer zips parallel arrays by index, and the record crosses a worker thread as plain data.
import { describe, expect, it } from 'vitest';
import { computeTextSignature, encodeTextSignature } from '../../src/cluster/features.js';
import { hashItemContent } from '../../src/store/item-hash.js';
import { processFeed } from '../../src/app/process-feed.js';

const RSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lab notes</title><link>https://lab.example/</link>
<item><title>Un nouveau modèle de langue ouvert pour le français</title><link>https://lab.example/fr</link>
  <description>Le laboratoire publie les poids du modèle et les données qui ont servi à son entraînement.</description>
  <guid>fr-1</guid><pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>A new open language model for robotics</title><link>https://lab.example/en</link>
  <description><![CDATA[<p>The lab releases the <b>weights</b> and the training data of the model.</p>]]></description>
  <guid>en-1</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`;

async function processed() {
  return processFeed({
    text: RSS,
    contentType: 'application/rss+xml',
    url: 'https://lab.example/feed.xml',
    sourceKey: 'https://lab.example/feed.xml',
    sourceLang: null,
    languages: ['fr', 'en'],
    fetchedAt: '2026-11-26T08:00:00.000Z',
  });
}

describe('processFeed', () => {
  it('gives one record per item, each carrying its own hash, signature and text', async () => {
    const feed = await processed();
    expect(feed.items.map(({ item }) => item.guid)).toEqual(['fr-1', 'en-1']);
    for (const record of feed.items) {
      expect(record.contentHash).toBe(hashItemContent(record.item));
      expect(record.textSignature).toEqual(encodeTextSignature(computeTextSignature(record.item.title, record.item.summary)));
    }
    expect(feed.items.map(({ item }) => item.language)).toEqual(['fr', 'en']);
    expect(feed.items[1]?.contentText).toContain('The lab releases the weights');
  });

  it('survives a structured clone unchanged (it crosses the worker thread)', async () => {
    const feed = await processed();
    expect(structuredClone(feed)).toEqual(feed);
  });
});
