// Each provider adapter against msw handlers shaped like the real APIs: the request it sends,
// the answer it reads, and each documented error turned into a code (retryable or not).
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDeepL, deeplBaseUrl, type GlossaryIds } from '../../src/translate/deepl.js';
import { createLibreTranslate } from '../../src/translate/libretranslate.js';
import { chatCompletionsUrl, createOpenAiCompatible, instructionsFor } from '../../src/translate/openai.js';
import { TranslateError, type TranslationProvider } from '../../src/translate/provider.js';
import { CHAT_URL, DEEPL_URL, LIBRE_URL, chatMock, deeplMock, libreTranslateMock, type ProviderMock } from './providers.js';

const GLOSSARY = [
  { source: 'federated learning', target: 'apprentissage fédéré' },
  { source: 'privacy', target: 'confidentialité' },
];

const libre = libreTranslateMock();
const deepl = deeplMock();
const chat = chatMock();
const server = setupServer(...libre.handlers, ...deepl.handlers, ...chat.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const mock of [libre, deepl, chat]) mock.calls.length = 0;
});
afterAll(() => server.close());

function memoryIds(): GlossaryIds & { ids: Map<string, string> } {
  const ids = new Map<string, string>();
  return {
    ids,
    get: (endpoint, from, to, hash) => ids.get(`${endpoint} ${from} ${to} ${hash}`) ?? null,
    set: (endpoint, from, to, hash, id) => {
      if (id === null) ids.delete(`${endpoint} ${from} ${to} ${hash}`);
      else ids.set(`${endpoint} ${from} ${to} ${hash}`, id);
    },
  };
}

const settings = { timeoutMs: 2_000, model: '', apiKey: null };
/** The caller's clock (VEILLE_NOW in a run): a Retry-After given as a date is read against it. */
const now = (): Date => new Date('2026-11-26T08:00:00Z');

const providers: Array<[string, () => TranslationProvider, ProviderMock]> = [
  ['libretranslate', () => createLibreTranslate({ ...settings, url: LIBRE_URL }), libre],
  ['deepl', () => createDeepL({ ...settings, url: '', apiKey: 'secret:fx' }, GLOSSARY, memoryIds()), deepl],
  ['openai', () => createOpenAiCompatible({ ...settings, url: CHAT_URL, model: 'mistral-small' }), chat],
];

async function errorOf(promise: Promise<unknown>): Promise<TranslateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TranslateError) return error;
    throw error;
  }
  throw new Error('expected a TranslateError');
}

describe.each(providers)('%s', (_name, create, mock) => {
  const request = { texts: ['A new model', 'Privacy first'], from: 'en', to: 'fr', glossary: [], now };

  it('translates several texts in order', async () => {
    expect(await create().translate(request)).toEqual(['FR[A new model]', 'FR[Privacy first]']);
  });

  it.each([
    [400, 'TRANSLATE_REFUSED_TEXT', false],
    [404, 'TRANSLATE_HTTP_STATUS', false],
    [403, 'TRANSLATE_AUTH', false],
    [500, 'TRANSLATE_HTTP_STATUS', true],
    [503, 'TRANSLATE_HTTP_STATUS', true],
  ])('turns HTTP %i into %s (retryable: %s), with the provider in the message', async (status, code, retryable) => {
    mock.fail({ status });
    const error = await errorOf(create().translate(request));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code, retryable });
    expect(error.message).toMatch(new RegExp(`^translate: ${_name}: HTTP ${status}`));
  });

  it('turns 429 into TRANSLATE_RATE_LIMITED with its Retry-After (RFC 9110 §10.2.3)', async () => {
    mock.fail({ status: 429, retryAfter: '7' });
    const error = await errorOf(create().translate(request));
    expect({ code: error.code, retryable: error.retryable, retryAfterMs: error.retryAfterMs }).toEqual({ code: 'TRANSLATE_RATE_LIMITED', retryable: true, retryAfterMs: 7_000 });
  });

  it('reads a Retry-After given as an HTTP date against the caller\'s clock, not the wall clock', async () => {
    mock.fail({ status: 429, retryAfter: 'Thu, 26 Nov 2026 08:00:30 GMT' });
    const error = await errorOf(create().translate(request));
    expect({ code: error.code, retryAfterMs: error.retryAfterMs }).toEqual({ code: 'TRANSLATE_RATE_LIMITED', retryAfterMs: 30_000 });
  });

  // How soon it gives up is measured in tests/stress/timeouts.test.ts.
  it('gives up on a provider that does not answer, at its timeout', async () => {
    mock.fail('hang');
    const provider = _name === 'libretranslate'
      ? createLibreTranslate({ ...settings, url: LIBRE_URL, timeoutMs: 150 })
      : _name === 'deepl'
        ? createDeepL({ ...settings, url: '', apiKey: 'secret:fx', timeoutMs: 150 }, GLOSSARY, memoryIds())
        : createOpenAiCompatible({ ...settings, url: CHAT_URL, model: 'm', timeoutMs: 150 });
    const error = await errorOf(provider.translate(request));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'TRANSLATE_TIMEOUT', retryable: true });
    expect(error.message).toBe(`translate: ${_name}: no answer within 150 ms`);
  });
});

describe('LibreTranslate requests', () => {
  it('sends q as an array, the languages, format text and the key in the body', async () => {
    await createLibreTranslate({ ...settings, url: `${LIBRE_URL}/`, apiKey: 'k1' }).translate({ texts: ['Hello'], from: 'en', to: 'fr', glossary: [], now });
    expect(libre.calls[0]?.body).toEqual({ q: ['Hello'], source: 'en', target: 'fr', format: 'text', api_key: 'k1' });
  });

  it('says when the answer does not hold one text per text sent', async () => {
    server.use(http.post(`${LIBRE_URL}/translate`, () => HttpResponse.json({ translatedText: ['only one'] })));
    const error = await errorOf(createLibreTranslate({ ...settings, url: LIBRE_URL }).translate({ texts: ['a', 'b'], from: 'en', to: 'fr', glossary: [], now }));
    expect(error.code).toBe('TRANSLATE_BAD_RESPONSE');
    server.resetHandlers();
  });
});

describe('DeepL requests', () => {
  it('uses the free host for ":fx" keys and the paid one otherwise, unless a URL is set', () => {
    expect(deeplBaseUrl('', 'abc:fx')).toBe('https://api-free.deepl.com');
    expect(deeplBaseUrl('', 'abc')).toBe('https://api.deepl.com');
    expect(deeplBaseUrl('http://proxy.test', 'abc:fx')).toBe('http://proxy.test');
  });

  it('sends the key in the Authorization header, upper-case languages, and a glossary created once', async () => {
    const ids = memoryIds();
    const provider = createDeepL({ ...settings, url: '', apiKey: 'secret:fx' }, GLOSSARY, ids);
    const out = await provider.translate({ texts: ['Federated learning in hospitals'], from: 'en', to: 'fr', glossary: [GLOSSARY[0]!], now });
    expect(out).toEqual(['FR[Apprentissage fédéré in hospitals]']);
    await provider.translate({ texts: ['More federated learning'], from: 'en', to: 'fr', glossary: [GLOSSARY[0]!], now });
    expect(deepl.calls.map((call) => new URL(call.url).pathname)).toEqual(['/v2/glossaries', '/v2/translate', '/v2/translate']);
    const [create, translate] = deepl.calls;
    expect(create?.headers['authorization']).toBe('DeepL-Auth-Key secret:fx');
    expect(create?.body).toMatchObject({ source_lang: 'en', target_lang: 'fr', entries_format: 'tsv', entries: 'federated learning\tapprentissage fédéré\nprivacy\tconfidentialité' });
    expect(translate?.body).toEqual({ text: ['Federated learning in hospitals'], source_lang: 'EN', target_lang: 'FR', glossary_id: 'gl-1' });
  });

  it('needs no glossary when no term occurs', async () => {
    await createDeepL({ ...settings, url: '', apiKey: 'secret:fx' }, GLOSSARY, memoryIds()).translate({ texts: ['A robot'], from: 'en', to: 'fr', glossary: [], now });
    expect(deepl.calls.map((call) => [new URL(call.url).pathname, call.body.glossary_id])).toEqual([['/v2/translate', undefined]]);
  });

  it('forgets a glossary deleted at DeepL, translates without it, and creates it again next time', async () => {
    const ids = memoryIds();
    const provider = createDeepL({ ...settings, url: '', apiKey: 'secret:fx' }, GLOSSARY, ids);
    const request = { texts: ['Federated learning at scale'], from: 'en', to: 'fr', glossary: [GLOSSARY[0]!], now };
    await provider.translate(request);
    const [first] = [...ids.ids.values()];
    deepl.glossaries.delete(first!);
    expect(await provider.translate(request)).toEqual(['FR[Apprentissage fédéral at scale]']);
    expect(ids.ids.size).toBe(0);
    expect(await provider.translate(request)).toEqual(['FR[Apprentissage fédéré at scale]']);
    expect([...ids.ids.values()]).not.toContain(first);
  });

  it('turns 456 into TRANSLATE_QUOTA, not retried', async () => {
    deepl.fail({ status: 456 });
    const error = await errorOf(createDeepL({ ...settings, url: '', apiKey: 'secret:fx' }, [], memoryIds()).translate({ texts: ['a'], from: 'en', to: 'fr', glossary: [], now }));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'TRANSLATE_QUOTA', retryable: false });
    expect(error.message).toMatch(/HTTP 456 \(Quota Exceeded\): the quota is used up/);
  });

  it('refuses a wrong key with TRANSLATE_AUTH', async () => {
    const error = await errorOf(createDeepL({ ...settings, url: '', apiKey: 'wrong:fx' }, [], memoryIds()).translate({ texts: ['a'], from: 'en', to: 'fr', glossary: [], now }));
    expect(error.code).toBe('TRANSLATE_AUTH');
  });
});

describe('OpenAI-compatible requests', () => {
  it.each([
    ['http://127.0.0.1:11434/v1', 'http://127.0.0.1:11434/v1/chat/completions'],
    ['http://127.0.0.1:11434/v1/', 'http://127.0.0.1:11434/v1/chat/completions'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1/chat/completions'],
    ['https://llm.example/openai/v1/chat/completions', 'https://llm.example/openai/v1/chat/completions'],
  ])('finds the chat completions URL from %s', (base, url) => {
    expect(chatCompletionsUrl(base)).toBe(url);
  });

  it('sends the model, temperature 0, the instructions with the glossary, one text per request, and the key as Bearer', async () => {
    const provider = createOpenAiCompatible({ ...settings, url: CHAT_URL, model: 'mistral-small', apiKey: 'sk-1' });
    await provider.translate({ texts: ['Federated learning', 'Hello'], from: 'en', to: 'fr', glossary: [GLOSSARY[0]!], now });
    expect(chat.calls).toHaveLength(2);
    const body = chat.calls[0]?.body as { model: string; temperature: number; messages: { role: string; content: string }[] };
    expect(chat.calls[0]?.headers['authorization']).toBe('Bearer sk-1');
    expect(body.model).toBe('mistral-small');
    expect(body.temperature).toBe(0);
    expect(body.messages[0]?.content).toContain('- federated learning → apprentissage fédéré');
    expect(body.messages[0]?.content).toMatch(/from English into French/);
    expect(body.messages[1]).toEqual({ role: 'user', content: 'Federated learning' });
  });

  it('drops the reasoning a thinking model puts before its answer', async () => {
    server.use(
      http.post(`${CHAT_URL}/chat/completions`, () =>
        HttpResponse.json({ choices: [{ message: { role: 'assistant', content: '<think>The user wants French.</think>\n\nBonjour' } }] }),
      ),
    );
    expect(await createOpenAiCompatible({ ...settings, url: CHAT_URL, model: 'qwen3' }).translate({ texts: ['Hello'], from: 'en', to: 'fr', glossary: [], now })).toEqual(['Bonjour']);
    server.resetHandlers();
  });

  it('names no glossary when none applies', () => {
    expect(instructionsFor({ from: 'en', to: 'fr', glossary: [] })).not.toContain('→');
  });
});
