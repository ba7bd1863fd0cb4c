// When a source is fetched next: the feed's own hints (RSS ttl, syndication module, Cache-Control
// max-age, skipHours/skipDays in GMT) within fetch.minIntervalMinutes / maxIntervalMinutes.
import { describe, expect, it } from 'vitest';
import {
  capRetryAfter,
  decodeFeedHints,
  encodeFeedHints,
  nextFetchAfterFailure,
  nextFetchAfterSuccess,
  NO_FEED_HINTS,
} from '../../src/app/fetch-schedule.js';

const BOUNDS = { minIntervalMinutes: 15, maxIntervalMinutes: 1440 };
// A Thursday.
const NOW = new Date('2026-11-26T08:00:00Z');

describe('nextFetchAfterSuccess', () => {
  it.each([
    { name: 'no hint: the shortest interval', hints: {}, next: '2026-11-26T08:15:00.000Z' },
    { name: 'RSS 2.0 <ttl>60</ttl>', hints: { ttlMinutes: 60 }, next: '2026-11-26T09:00:00.000Z' },
    { name: 'sy:updatePeriod hourly, sy:updateFrequency 2: every 30 minutes', hints: { updatePeriodMinutes: 30 }, next: '2026-11-26T08:30:00.000Z' },
    { name: 'sy:updatePeriod daily', hints: { updatePeriodMinutes: 1440 }, next: '2026-11-27T08:00:00.000Z' },
    { name: 'sy:updatePeriod weekly, clamped to the longest interval', hints: { updatePeriodMinutes: 10080 }, next: '2026-11-27T08:00:00.000Z' },
    { name: 'a period shorter than the shortest interval is raised to it', hints: { updatePeriodMinutes: 5 }, next: '2026-11-26T08:15:00.000Z' },
    // RFC 9111 §5.2.2.1: max-age; the longest of the hints wins.
    { name: 'Cache-Control max-age=3600 beats a 30-minute period', hints: { updatePeriodMinutes: 30, maxAgeSeconds: 3600 }, next: '2026-11-26T09:00:00.000Z' },
    // RSS 2.0 skipHours: hours in GMT.
    { name: 'skipHours 8, 9, 10 (GMT): the next allowed hour', hints: { skipHours: [8, 9, 10] }, next: '2026-11-26T11:00:00.000Z' },
    { name: 'skipHours that do not cover the time change nothing', hints: { skipHours: [0, 1] }, next: '2026-11-26T08:15:00.000Z' },
    { name: 'skipDays Thursday: Friday at midnight GMT', hints: { skipDays: ['Thursday'] }, next: '2026-11-27T00:00:00.000Z' },
    { name: 'skipDays Thursday and skipHours 0–5: Friday at 06:00 GMT', hints: { skipDays: ['Thursday'], skipHours: [0, 1, 2, 3, 4, 5] }, next: '2026-11-27T06:00:00.000Z' },
    { name: 'skipping past the longest interval stops at it', hints: { skipDays: ['Thursday', 'Friday', 'Saturday'] }, next: '2026-11-27T08:00:00.000Z' },
    { name: 'every hour skipped says nothing usable', hints: { skipHours: Array.from({ length: 24 }, (_, hour) => hour) }, next: '2026-11-26T08:15:00.000Z' },
  ])('$name', ({ hints, next }) => {
    expect(nextFetchAfterSuccess(NOW, BOUNDS, { maxAgeSeconds: null, ...hints }).toISOString()).toBe(next);
  });
});

describe('Retry-After is honoured up to the longest interval', () => {
  it.each([
    { name: 'two minutes', retryAfterMs: 120_000, capped: 120_000 },
    { name: 'ten years (a hostile server)', retryAfterMs: 10 * 365 * 24 * 3_600_000, capped: 1440 * 60_000 },
    { name: 'absent', retryAfterMs: null, capped: null },
  ])('$name', ({ retryAfterMs, capped }) => {
    expect(capRetryAfter(retryAfterMs, BOUNDS)).toBe(capped);
  });

  it('puts the next attempt after a failure no earlier than Retry-After (RFC 9110 §10.2.3)', () => {
    const next = nextFetchAfterFailure(NOW, BOUNDS, 1, 3 * 3_600_000, () => 0.5);
    expect(next.toISOString()).toBe('2026-11-26T11:00:00.000Z');
  });
});

describe('stored feed hints', () => {
  it('round-trip through the JSON kept with the source', () => {
    const hints = { ttlMinutes: 60, updatePeriodMinutes: 30, skipHours: [1, 2], skipDays: ['Sunday'] };
    expect(decodeFeedHints(encodeFeedHints(hints))).toEqual(hints);
  });

  it.each([null, '', 'not json', '{"skipHours":[99,"x"],"skipDays":["Someday"],"ttlMinutes":-3}'])('read %j as no hint', (json) => {
    expect(decodeFeedHints(json)).toEqual(NO_FEED_HINTS);
  });
});
