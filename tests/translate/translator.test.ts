// The translate stage over a real SQLite cache and msw providers: an unchanged text never costs
// a second call, an edited one does; the budget defers the rest; 429 and 5xx are retried; a
// failing provider stops the run without throwing; the glossary is applied and checked.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/ports.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore } from '../store/backend.js';
import type { TranslationCandidate } from '../../src/domain/translation.js';
import { createLibreTranslate } from '../../src/translate/libretranslate.js';
import { createOpenAiCompatible } from '../../src/translate/openai.js';
import type { TranslationProvider } from '../../src/translate/provider.js';
import { glossaryHash } from '../../src/translate/glossary.js';
import { clean, createTranslator, hashText, type Translator, type TranslatorOptions } from '../../src/translate/translator.js';
import { CHAT_URL, LIBRE_URL, chatMock, libreTranslateMock } from './providers.js';

const GLOSSARY = [
  { source: 'federated learning', target: 'apprentissage fédéré' },
  { source: 'privacy', target: 'confidentialité' },
];

const libre = libreTranslateMock();
let chatAnswer: (text: string, system: string) => string = (text) => `FR[${text}]`;
const chat = chatMock((text, system) => chatAnswer(text, system));
const server = setupServer(...libre.handlers, ...chat.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let store: Store;
let waits: number[];
beforeEach(() => {
  store = openTestStore();
  waits = [];
  libre.calls.length = 0;
  chat.calls.length = 0;
});
afterEach(() => store.close());

function item(id: string, title: string, summary = '', language = 'en'): TranslationCandidate {
  return { id, title, summary, language, publishedAt: `2026-11-2${id.length % 10}T08:00:00Z` };
}

function translator(overrides: Partial<TranslatorOptions> = {}, provider: TranslationProvider = createLibreTranslate({ url: LIBRE_URL, model: '', apiKey: null, timeoutMs: 1_000 })): Translator {
  return createTranslator({
    provider,
    store: store.translations(),
    glossary: GLOSSARY,
    targetLang: 'fr',
    budget: { characters: 10_000, requests: 100 },
    retry: { attempts: 3, delayMs: 1_000 },
    now: () => new Date('2026-11-26T08:00:00Z'),
    logger: silentLogger,
    sleep: async (ms) => void waits.push(ms),
    ...overrides,
  });
}

describe('the cache', () => {
  it('translates an item once; an unchanged item never costs a second call; an edited one is translated again', async () => {
    const t = translator();
    const first = await t.translatePending([item('a', 'A new model', 'Weights are out.')]);
    expect(first).toMatchObject({ translated: 1, cached: 0, deferred: 0, requests: 1, stopped: null });
    expect(t.lookup({ title: 'A new model', summary: 'Weights are out.', language: 'en-GB' })).toEqual({ title: 'FR[A new model]', summary: 'FR[Weights are out.]', from: 'en' });

    const again = await t.translatePending([item('a', 'A new model', 'Weights are out.')]);
    expect(again).toMatchObject({ translated: 0, cached: 1, requests: 0 });
    expect(libre.calls).toHaveLength(1);

    await t.translatePending([item('a', 'A new model', 'Weights are out, under Apache 2.0.')]);
    expect(libre.calls).toHaveLength(2);
    expect(libre.calls[1]?.body.q).toEqual(['Weights are out, under Apache 2.0.']);
  });

  it('is kept per provider and model: another model translates again', async () => {
    await translator({}, createOpenAiCompatible({ url: CHAT_URL, model: 'a', apiKey: null, timeoutMs: 1_000 })).translatePending([item('a', 'Hello')]);
    await translator({}, createOpenAiCompatible({ url: CHAT_URL, model: 'b', apiKey: null, timeoutMs: 1_000 })).translatePending([item('a', 'Hello')]);
    await translator({}, createOpenAiCompatible({ url: CHAT_URL, model: 'b', apiKey: null, timeoutMs: 1_000 })).translatePending([item('a', 'Hello')]);
    expect(chat.calls.map((call) => call.body.model)).toEqual(['a', 'b']);
  });

  it('leaves French items and items of unknown language alone', async () => {
    const summary = await translator().translatePending([item('f', 'Un modèle', '', 'fr-CA'), { ...item('u', 'Unknown'), language: '??' }]);
    expect(summary).toMatchObject({ translated: 0, deferred: 0, requests: 0 });
    expect(translator().lookup({ title: 'Un modèle', summary: '', language: 'fr' })).toBeNull();
  });
});

describe('the budget', () => {
  it('stops at the characters of a run, newest first, and the next run goes on', async () => {
    const items = [item('n1', 'x'.repeat(40)), item('n2', 'y'.repeat(40)), item('n3', 'z'.repeat(40))];
    const first = await translator({ budget: { characters: 90, requests: 100 } }).translatePending(items);
    expect(first).toMatchObject({ translated: 2, deferred: 1, characters: 80, stopped: null });
    const second = await translator({ budget: { characters: 90, requests: 100 } }).translatePending(items);
    expect(second).toMatchObject({ translated: 1, cached: 2, deferred: 0 });
  });

  it('stops at the requests of a run', async () => {
    const t = translator({ budget: { characters: 10_000, requests: 2 } }, createOpenAiCompatible({ url: CHAT_URL, model: 'm', apiKey: null, timeoutMs: 1_000 }));
    const summary = await t.translatePending([item('a', 'One'), item('b', 'Two'), item('c', 'Three')]);
    expect(summary).toMatchObject({ translated: 2, deferred: 1, requests: 2 });
    expect(chat.calls).toHaveLength(2);
  });
});

describe('failures', () => {
  it('retries 429 after its Retry-After and 5xx with a doubling wait, then goes on', async () => {
    libre.fail({ status: 429, retryAfter: '3' }, { status: 500 });
    const summary = await translator().translatePending([item('a', 'Hello')]);
    expect(summary).toMatchObject({ translated: 1, requests: 3, stopped: null });
    expect(waits).toEqual([3_000, 2_000]);
  });

  it('waits for a Retry-After given as an HTTP date as read on its own clock (VEILLE_NOW), not the wall clock', async () => {
    libre.fail({ status: 429, retryAfter: 'Thu, 26 Nov 2026 08:00:30 GMT' });
    const summary = await translator().translatePending([item('a', 'Hello')]);
    expect(summary).toMatchObject({ translated: 1, requests: 2, stopped: null });
    expect(waits).toEqual([30_000]);
  });

  it.each([
    ['a provider down (500 on every try)', [{ status: 500 }, { status: 500 }, { status: 500 }], 'TRANSLATE_HTTP_STATUS', 3],
    ['a refused key (403)', [{ status: 403 }], 'TRANSLATE_AUTH', 1],
    ['a wrong URL or model (404)', [{ status: 404 }], 'TRANSLATE_HTTP_STATUS', 1],
    ['a Retry-After longer than a run may wait', [{ status: 429, retryAfter: '3600' }], 'TRANSLATE_RATE_LIMITED', 1],
  ] as const)('stops the run on %s, without throwing, leaving every item for later', async (_name, faults, code, requests) => {
    libre.fail(...faults);
    const summary = await translator().translatePending([item('a', 'Hello'), item('b', 'World')]);
    expect(summary).toMatchObject({ translated: 0, deferred: 2, requests, stopped: { code } });
    expect(summary.stopped?.message).toMatch(/^translate: libretranslate: HTTP/);
  });

  it('skips a batch the provider refuses (400) and goes on with the next', async () => {
    libre.fail({ status: 400 });
    const t = translator({}, createLibreTranslate({ url: LIBRE_URL, model: '', apiKey: null, timeoutMs: 1_000 }));
    const items = Array.from({ length: 12 }, (_, i) => item(`i${i}`, `Title ${i}`));
    const summary = await t.translatePending(items);
    expect(summary).toMatchObject({ translated: 2, deferred: 10, stopped: null });
  });

  it('does not retry a timeout within the run: a hanging provider costs one timeout', async () => {
    libre.fail('hang');
    const summary = await translator({}, createLibreTranslate({ url: LIBRE_URL, model: '', apiKey: null, timeoutMs: 100 })).translatePending([item('a', 'Hello')]);
    expect(summary).toMatchObject({ requests: 1, stopped: { code: 'TRANSLATE_TIMEOUT' } });
  });
});

describe('the glossary', () => {
  it('puts the glossary term in place of the provider own rendering (post-pass), learnt once', async () => {
    const t = translator();
    await t.translatePending([item('a', 'Federated learning in hospitals', 'Why federated learning matters.')]);
    expect(t.lookup({ title: 'Federated learning in hospitals', summary: 'Why federated learning matters.', language: 'en' })).toMatchObject({
      title: 'FR[Apprentissage fédéré in hospitals]',
      summary: 'FR[Why apprentissage fédéré matters.]',
    });
    // The term itself first (its rendering), then the item's texts; the rendering is cached.
    expect(libre.calls.map((call) => call.body.q)).toEqual([['federated learning'], ['Federated learning in hospitals', 'Why federated learning matters.']]);
    await t.translatePending([item('b', 'More federated learning')]);
    expect(libre.calls[2]?.body.q).toEqual(['More federated learning']);
  });

  it('gives the chat model the terms found in the text, and counts the terms its output lacks', async () => {
    chatAnswer = (text) => (text.includes('privacy') ? 'La vie privée avant tout' : 'Apprentissage fédéré');
    const t = translator({}, createOpenAiCompatible({ url: CHAT_URL, model: 'm', apiKey: null, timeoutMs: 1_000 }));
    const summary = await t.translatePending([item('a', 'Federated learning'), item('b', 'privacy first')]);
    expect(summary.glossaryMisses).toBe(1);
    const prompts = chat.calls.map((call) => (call.body.messages as { content: string }[])[0]?.content ?? '');
    expect(prompts[0]).toContain('federated learning → apprentissage fédéré');
    expect(prompts[0]).not.toContain('privacy →');
    const key = { sourceHash: hashText('privacy first'), provider: 'openai', model: 'm', sourceLang: 'en', targetLang: 'fr', glossaryHash: glossaryHash(GLOSSARY) };
    expect(store.translations().get(key)).toEqual({ text: 'La vie privée avant tout', glossaryMisses: ['privacy'] });
    chatAnswer = (text) => `FR[${text}]`;
  });
});

describe('provider output', () => {
  it.each([
    ['<script>alert(1)</script>Titre', 'Titre'],
    ['<img src=x onerror=alert(1)>Un <b>titre</b>', 'Un titre'],
    ['"Un titre"', 'Un titre'],
    ['« Un titre »', 'Un titre'],
    ['  Un\n  titre  ', 'Un titre'],
  ])('is plain text: %s → %s', (output, expected) => {
    expect(clean(output)).toBe(expected);
  });

  it('keeps quotes that the original had', () => {
    expect(clean('« Nous ouvrons tout »', '"We open everything"')).toBe('« Nous ouvrons tout »');
  });

  it('refuses an answer far longer than a translation (a chatty model) and keeps the item untranslated', async () => {
    chatAnswer = () => `Sure! Here is the translation you asked for, with some notes. ${'blah '.repeat(40)}`;
    const t = translator({}, createOpenAiCompatible({ url: CHAT_URL, model: 'm', apiKey: null, timeoutMs: 1_000 }));
    const summary = await t.translatePending([item('a', 'Hi')]);
    expect(summary).toMatchObject({ translated: 0, deferred: 1 });
    expect(t.lookup({ title: 'Hi', summary: '', language: 'en' })).toBeNull();
    chatAnswer = (text) => `FR[${text}]`;
  });
});
