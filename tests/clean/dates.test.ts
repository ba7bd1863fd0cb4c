// parseFeedDate: RFC 822/2822 (RSS), RFC 3339 / ISO 8601 (Atom, JSON Feed), W3CDTF (dc:date).

import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../src/clean/dates.js';

describe('parseFeedDate', () => {
  it.each([
    // RFC 822 §5 with named zones (RSS 2.0 pubDate)
    ['RFC 822 GMT', 'Wed, 17 Oct 2018 10:30:00 GMT', '2018-10-17T10:30:00.000Z'],
    ['RFC 822 UT', 'Wed, 17 Oct 2018 10:30:00 UT', '2018-10-17T10:30:00.000Z'],
    ['RFC 822 Z', 'Wed, 17 Oct 2018 10:30:00 Z', '2018-10-17T10:30:00.000Z'],
    ['RFC 822 EST', 'Tue, 10 Jun 2003 04:00:00 EST', '2003-06-10T09:00:00.000Z'],
    ['RFC 822 EDT', 'Tue, 10 Jun 2003 04:00:00 EDT', '2003-06-10T08:00:00.000Z'],
    ['RFC 822 CST', 'Tue, 10 Jun 2003 04:00:00 CST', '2003-06-10T10:00:00.000Z'],
    ['RFC 822 CDT', 'Tue, 10 Jun 2003 04:00:00 CDT', '2003-06-10T09:00:00.000Z'],
    ['RFC 822 MST', 'Tue, 10 Jun 2003 04:00:00 MST', '2003-06-10T11:00:00.000Z'],
    ['RFC 822 MDT', 'Tue, 10 Jun 2003 04:00:00 MDT', '2003-06-10T10:00:00.000Z'],
    ['RFC 822 PST', 'Tue, 10 Jun 2003 04:00:00 PST', '2003-06-10T12:00:00.000Z'],
    ['RFC 822 PDT', 'Tue, 10 Jun 2003 04:00:00 PDT', '2003-06-10T11:00:00.000Z'],
    ['RFC 2822 numeric offset', 'Fri, 22 May 2026 00:00:00 +0000', '2026-05-22T00:00:00.000Z'],
    ['RFC 2822 negative offset', 'Fri, 31 May 2019 12:17:58 -0700', '2019-05-31T19:17:58.000Z'],
    ['offset with colon', 'Tue, 04 Mar 2025 09:30:00 +01:00', '2025-03-04T08:30:00.000Z'],
    ['GMT+2 style', 'Tue, 04 Mar 2025 09:30:00 GMT+0200', '2025-03-04T07:30:00.000Z'],
    ['no seconds', 'Tue, 04 Mar 2025 09:30 GMT', '2025-03-04T09:30:00.000Z'],
    ['no weekday', '04 Mar 2025 09:30:00 GMT', '2025-03-04T09:30:00.000Z'],
    ['one-digit day, full month', 'Sunday, 2 March 2025 09:30:00 GMT', '2025-03-02T09:30:00.000Z'],
    ['two-digit year 25 → 2025 (RFC 2822 §4.3)', 'Tue, 04 Mar 25 09:30:00 GMT', '2025-03-04T09:30:00.000Z'],
    ['two-digit year 99 → 1999', 'Fri, 31 Dec 99 23:59:59 GMT', '1999-12-31T23:59:59.000Z'],
    ['no zone → UTC', 'Tue, 04 Mar 2025 09:30:00', '2025-03-04T09:30:00.000Z'],
    ['date only', '4 Mar 2025', '2025-03-04T00:00:00.000Z'],
    ['French names', 'mar., 04 févr. 2025 09:30:00 +0100', '2025-02-04T08:30:00.000Z'],
    ['French août, 1er', '1er août 2024 12h00 CEST', '2024-08-01T10:00:00.000Z'],
    ['French décembre', 'lundi 2 décembre 2024 08:00:00 +0100', '2024-12-02T07:00:00.000Z'],
    // RFC 3339 / ISO 8601 (Atom, JSON Feed)
    ['RFC 3339 Z', '2024-02-03T04:05:06Z', '2024-02-03T04:05:06.000Z'],
    ['RFC 3339 offset', '2015-06-01T23:49:41+02:00', '2015-06-01T21:49:41.000Z'],
    ['RFC 3339 fraction', '2024-02-03T04:05:06.789-05:00', '2024-02-03T09:05:06.789Z'],
    ['ISO without offset → UTC', '2024-02-03T04:05:06', '2024-02-03T04:05:06.000Z'],
    ['ISO with space separator and offset', '2024-02-03 04:05:06 +0000', '2024-02-03T04:05:06.000Z'],
    ['ISO compact offset', '2024-02-03T04:05:06+0530', '2024-02-02T22:35:06.000Z'],
    ['lowercase t and z', '2024-02-03t04:05:06z', '2024-02-03T04:05:06.000Z'],
    ['leap second', '2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000Z'],
    // W3CDTF partial dates (https://www.w3.org/TR/NOTE-datetime)
    ['W3CDTF year', '2024', '2024-01-01T00:00:00.000Z'],
    ['W3CDTF year-month', '2024-07', '2024-07-01T00:00:00.000Z'],
    ['W3CDTF date', '2024-07-14', '2024-07-14T00:00:00.000Z'],
    ['W3CDTF minutes', '2024-07-14T10:20+02:00', '2024-07-14T08:20:00.000Z'],
  ])('%s: %s', (_name, raw, expected) => {
    expect(parseFeedDate(raw)?.toISOString()).toBe(expected);
  });

  it.each([
    ['null', null],
    ['empty', ''],
    ['words', 'yesterday'],
    ['not a month', '04 Foo 2025 10:00:00 GMT'],
    ['31 April', '2024-04-31'],
    ['29 February of a common year', '2023-02-29T00:00:00Z'],
    ['month 13', '2024-13-01'],
    ['hour 25', '2024-01-01T25:00:00Z'],
    ['unknown zone', 'Tue, 04 Mar 2025 09:30:00 XYZ'],
    ['offset out of range', '2024-01-01T00:00:00+25:00'],
    ['slashes (ambiguous)', '03/04/2025'],
    ['very long', `2024-01-01T00:00:00Z${'x'.repeat(200)}`],
  ])('invalid: %s', (_name, raw) => {
    expect(parseFeedDate(raw)).toBeNull();
  });
});
