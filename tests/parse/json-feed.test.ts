// JSON Feed 1.0 / 1.1 adapter: untrusted JSON validated field by field (https://www.jsonfeed.org/version/1.1/).

import { describe, expect, it } from 'vitest';
import { convertJsonFeed, isJsonFeed } from '../../src/parse/json-feed.js';

describe('isJsonFeed', () => {
  it.each([
    ['1.1', { version: 'https://jsonfeed.org/version/1.1' }, true],
    ['1.0', { version: 'https://jsonfeed.org/version/1' }, true],
    ['http scheme', { version: 'http://jsonfeed.org/version/1' }, true],
    ['no version', { items: [] }, false],
    ['other version URL', { version: 'https://example.org/version/1' }, false],
    ['number', { version: 1 }, false],
    ['array', [], false],
    ['null', null, false],
  ])('%s', (_name, value, expected) => {
    expect(isJsonFeed(value)).toBe(expected);
  });
});

describe('convertJsonFeed', () => {
  it('reads 1.1 fields: authors, language on feed and item, tags, dates, content_html', () => {
    const feed = convertJsonFeed(
      {
        version: 'https://jsonfeed.org/version/1.1',
        title: ' Veille ',
        home_page_url: 'https://ex.org/',
        description: 'D',
        language: 'fr-FR',
        authors: [{ name: 'Feed Author' }],
        items: [
          {
            id: 'a',
            url: 'https://ex.org/a',
            title: 'A',
            summary: 'S',
            content_html: '<p>H</p>',
            content_text: 'ignored when HTML is present',
            date_published: '2024-01-01T00:00:00Z',
            date_modified: '2024-01-02T00:00:00Z',
            tags: ['ia', 2, ' ', 'vie privée'],
            language: 'en-GB',
            authors: [{ name: 'Léa' }, { url: 'no name' }, { name: 'Paul' }],
          },
          { id: 'b', external_url: 'https://other.org/b' },
        ],
      },
      'u',
    );
    expect(feed).toMatchObject({ format: 'json', title: 'Veille', link: 'https://ex.org/', description: 'D', language: 'fr-FR', ttlMinutes: null });
    expect(feed.items[0]).toEqual({
      guid: 'a',
      link: 'https://ex.org/a',
      title: 'A',
      summary: 'S',
      content: '<p>H</p>',
      author: 'Léa, Paul',
      published: '2024-01-01T00:00:00Z',
      updated: '2024-01-02T00:00:00Z',
      categories: ['ia', 'vie privée'],
      language: 'en-GB',
      base: null,
    });
    expect(feed.items[1]).toMatchObject({ link: 'https://other.org/b', author: 'Feed Author', content: null });
  });

  it('reads 1.0 fields: author object, numeric id', () => {
    const feed = convertJsonFeed(
      { version: 'https://jsonfeed.org/version/1', items: [{ id: 42, author: { name: 'Brent' }, content_text: 'x' }] },
      'u',
    );
    expect(feed.items[0]).toMatchObject({ guid: '42', author: 'Brent', content: '<p>x</p>' });
  });

  it('ignores fields of the wrong type and items that are not objects', () => {
    const feed = convertJsonFeed(
      {
        version: 'https://jsonfeed.org/version/1.1',
        title: ['x'],
        items: [null, 'x', 3, { id: { a: 1 }, url: 5, title: true, tags: 'ia', authors: 'Léa', author: 'Léa', date_published: 20240101 }],
      },
      'u',
    );
    expect(feed.title).toBeNull();
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ guid: null, link: null, title: null, categories: [], author: null, published: null });
  });
});
