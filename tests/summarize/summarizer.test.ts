// The summarizer's cache, refresh interval and budgets (issue 16), with a provider in memory.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/ports.js';
import type { ResumeCache, ResumeCandidate, StoredResume } from '../../src/domain/resume.js';
import type { ResumeProvider } from '../../src/summarize/chat.js';
import { createSummarizer, type SummarizerOptions } from '../../src/summarize/summarizer.js';
import { GOOD_ANSWER } from './model-server.js';

const AIHUB = { itemId: 'a', sourceName: 'AIhub', title: 'Open Source AI for Mainstream Use and FLUID: Federated Learning for Unbounded and Intelligent Decentralization at AAAI', text: 'AIhub recap: what open should mean for models whose weights, data and training code are released; clients with heterogeneous data and devices train a shared model without pooling their data.', language: 'en', link: 'https://aihub.org/a' };
const BLOG = { itemId: 'b', sourceName: 'Blog IA', title: 'IA open source et apprentissage fédéré', text: 'Retour sur deux ateliers de l’AAAI : poids, données, confidentialité, efficacité.', language: 'fr', link: 'https://blog.example/b' };

function memoryCache(): ResumeCache & { rows: Map<string, StoredResume> } {
  const rows = new Map<string, StoredResume>();
  const spent = new Map<string, { requests: number; characters: number }>();
  return {
    rows,
    get: (guid) => rows.get(guid) ?? null,
    put: (resume) => void rows.set(resume.storyGuid, resume),
    markReused: (guid, at) => {
      const row = rows.get(guid);
      if (row && row.reusedAt === null) rows.set(guid, { ...row, reusedAt: at });
    },
    spent: (day) => spent.get(day) ?? { requests: 0, characters: 0 },
    addSpent: (day, requests, characters) => {
      const was = spent.get(day) ?? { requests: 0, characters: 0 };
      spent.set(day, { requests: was.requests + requests, characters: was.characters + characters });
    },
  };
}

function setup(overrides: Partial<SummarizerOptions> = {}) {
  let now = new Date('2026-11-26T08:00:00Z');
  const calls: string[] = [];
  const provider: ResumeProvider = {
    name: 'openai',
    model: 'm',
    complete: async (messages) => {
      calls.push(messages.map((message) => message.content).join('\n'));
      return GOOD_ANSWER;
    },
  };
  const cache = memoryCache();
  const summarizer = createSummarizer({
    provider,
    cache,
    glossary: [{ source: 'AI', target: 'IA' }],
    language: 'fr',
    prompt: '',
    minWords: 30,
    maxWords: 200,
    refreshMs: 24 * 3_600_000,
    budget: { requests: 10, characters: 1_000_000, requestsPerDay: 100, charactersPerDay: 10_000_000 },
    retry: { attempts: 1, delayMs: 0 },
    now: () => now,
    logger: silentLogger,
    ...overrides,
  });
  return { summarizer, calls, cache, advance: (hours: number) => (now = new Date(now.getTime() + hours * 3_600_000)) };
}

const story = (guid: string, sources = [AIHUB, BLOG]): ResumeCandidate => ({ guid, sources });

describe('the summarizer', () => {
  it('writes once, then costs nothing while the members are unchanged (steady state: 0 requests)', async () => {
    const { summarizer, calls } = setup();
    expect(await summarizer.summarizePending([story('s1')])).toMatchObject({ written: 1, requests: 1 });
    expect(await summarizer.summarizePending([story('s1')])).toMatchObject({ written: 0, cached: 1, requests: 0 });
    expect(calls).toHaveLength(1);
  });

  it('writes a story that gained a member again once the refresh interval has passed, not before', async () => {
    const { summarizer, calls, advance } = setup();
    await summarizer.summarizePending([story('s1', [AIHUB])]);
    advance(1);
    expect(await summarizer.summarizePending([story('s1')])).toMatchObject({ waiting: 1, requests: 0 });
    expect(calls).toHaveLength(1);
    advance(24);
    expect(await summarizer.summarizePending([story('s1')])).toMatchObject({ written: 1, requests: 1 });
    expect(calls).toHaveLength(2);
    expect(calls[1]).toContain('Source: Blog IA');
  });

  it.each([
    ['model', { provider: { name: 'openai', model: 'other', complete: async () => GOOD_ANSWER } }],
    ['prompt', { prompt: 'Résume en français.' }],
  ])('a new %s writes again', async (_, change) => {
    const first = setup();
    await first.summarizer.summarizePending([story('s1')]);
    const { summarizer } = setup({ cache: first.cache, refreshMs: 0, ...change });
    expect(summarizer.isCurrent(story('s1'))).toBe(false);
    expect(await summarizer.summarizePending([story('s1')])).toMatchObject({ written: 1 });
  });

  it.each([
    ['requests per run', { requests: 2, characters: 1e6, requestsPerDay: 100, charactersPerDay: 1e7 }, 2],
    ['characters per run', { requests: 10, characters: 2_500, requestsPerDay: 100, charactersPerDay: 1e7 }, 1],
    ['requests per day', { requests: 10, characters: 1e6, requestsPerDay: 1, charactersPerDay: 1e7 }, 1],
  ])('stops at the budget of %s; the rest waits', async (_, budget, written) => {
    const { summarizer, calls } = setup({ budget });
    const result = await summarizer.summarizePending([story('s1'), story('s2'), story('s3')]);
    expect(result).toMatchObject({ written, deferred: 3 - written });
    expect(calls).toHaveLength(written);
    expect(result.stopped?.code).toBe('SUMMARIZE_BUDGET');
  });

  it('keeps counting the day across runs', async () => {
    const { summarizer } = setup({ budget: { requests: 10, characters: 1e6, requestsPerDay: 2, charactersPerDay: 1e7 } });
    await summarizer.summarizePending([story('s1'), story('s2')]);
    expect(await summarizer.summarizePending([story('s3')])).toMatchObject({ written: 0, deferred: 1, requests: 0 });
  });
});
