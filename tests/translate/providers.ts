// msw handlers that answer as the real providers do: request shapes checked, answers and errors in
// their documented formats, every call recorded so that tests can count them.
import { HttpResponse, delay, http, type HttpHandler } from 'msw';

export const LIBRE_URL = 'http://libretranslate.test';
export const DEEPL_URL = 'https://api-free.deepl.com';
export const CHAT_URL = 'http://llm.test/v1';

export interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** A fault for the next calls: an HTTP status with the provider's own error body, or no answer at all. */
export type Fault = { status: number; retryAfter?: string } | 'hang';

export interface ProviderMock {
  readonly calls: Call[];
  readonly handlers: HttpHandler[];
  /** Faults answered, one per call, before the provider works again. */
  fail(...faults: Fault[]): void;
}

/** "Federated learning" → "Apprentissage fédéral" on purpose (a rendering the glossary post-pass must fix). */
export function toyFrench(text: string): string {
  const rendered = text.replace(/federated learning/gi, (m) => (m[0] === 'F' ? 'Apprentissage fédéral' : 'apprentissage fédéral'));
  // A lone term comes back bare, as from a real translator; anything else is marked FR[…].
  return /^federated learning$/i.test(text) ? rendered : `FR[${rendered}]`;
}

function recorder(faultBody: (status: number) => unknown) {
  const calls: Call[] = [];
  const faults: Fault[] = [];
  return {
    calls,
    fail: (...more: Fault[]) => void faults.push(...more),
    /** Records the call and answers the next fault, or null to go on. */
    async take(request: Request): Promise<{ call: Call; fault: Response | null }> {
      const body = (await request.json()) as Record<string, unknown>;
      const call = { url: request.url, headers: Object.fromEntries(request.headers.entries()), body };
      calls.push(call);
      const fault = faults.shift();
      if (fault === undefined) return { call, fault: null };
      if (fault === 'hang') {
        await delay('infinite');
        return { call, fault: null };
      }
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
      return { call, fault: HttpResponse.json(faultBody(fault.status) as Record<string, unknown>, { status: fault.status, headers }) };
    },
  };
}

/** LibreTranslate: POST /translate {q, source, target, format, api_key?} → {translatedText}. */
export function libreTranslateMock(): ProviderMock {
  const r = recorder((status) => ({ error: status === 403 ? 'Invalid API key' : status === 429 ? 'Slowdown: 30 per 1 minute' : status === 400 ? 'Invalid request: missing q parameter' : 'Cannot translate text' }));
  return {
    calls: r.calls,
    fail: r.fail,
    handlers: [
      http.post(`${LIBRE_URL}/translate`, async ({ request }) => {
        const { call, fault } = await r.take(request);
        if (fault) return fault;
        const q = call.body.q;
        if (call.body.format !== 'text' || typeof call.body.source !== 'string' || call.body.target !== 'fr') {
          return HttpResponse.json({ error: 'Invalid request' }, { status: 400 });
        }
        if (typeof q === 'string') return HttpResponse.json({ translatedText: toyFrench(q) });
        if (!Array.isArray(q)) return HttpResponse.json({ error: 'Invalid request: missing q parameter' }, { status: 400 });
        return HttpResponse.json({ translatedText: q.map((text: string) => toyFrench(text)) });
      }),
    ],
  };
}

/** DeepL v2: POST /v2/translate {text[], source_lang, target_lang, glossary_id?}, POST /v2/glossaries. */
export function deeplMock(options: { key?: string } = {}): ProviderMock & { glossaries: Map<string, string> } {
  const key = options.key ?? 'secret:fx';
  const r = recorder((status) => ({ message: status === 456 ? 'Quota Exceeded' : status === 403 ? 'Wrong endpoint' : 'Internal error' }));
  const glossaries = new Map<string, string>();
  let created = 0;
  const authorized = (call: Call) => call.headers['authorization'] === `DeepL-Auth-Key ${key}`;
  return {
    calls: r.calls,
    fail: r.fail,
    glossaries,
    handlers: [
      http.post(`${DEEPL_URL}/v2/glossaries`, async ({ request }) => {
        const { call, fault } = await r.take(request);
        if (fault) return fault;
        if (!authorized(call)) return new HttpResponse(null, { status: 403 });
        created += 1;
        const id = `gl-${created}`;
        glossaries.set(id, String(call.body.entries));
        return HttpResponse.json(
          { glossary_id: id, name: call.body.name, ready: true, source_lang: call.body.source_lang, target_lang: call.body.target_lang, creation_time: '2026-11-26T08:00:00Z', entry_count: String(call.body.entries).split('\n').length },
          { status: 201 },
        );
      }),
      http.post(`${DEEPL_URL}/v2/translate`, async ({ request }) => {
        const { call, fault } = await r.take(request);
        if (fault) return fault;
        if (!authorized(call)) return new HttpResponse(null, { status: 403 });
        const glossaryId = call.body.glossary_id;
        if (glossaryId !== undefined && !glossaries.has(String(glossaryId))) return HttpResponse.json({ message: 'Glossary not found' }, { status: 404 });
        const texts = call.body.text as string[];
        const withGlossary = glossaryId !== undefined;
        return HttpResponse.json({
          translations: texts.map((text) => ({
            detected_source_language: 'EN',
            text: withGlossary ? toyFrench(text).replace(/apprentissage fédéral/gi, (m) => (m[0] === 'A' ? 'Apprentissage fédéré' : 'apprentissage fédéré')) : toyFrench(text),
          })),
        });
      }),
    ],
  };
}

/** OpenAI-compatible chat: POST /v1/chat/completions {model, messages} → {choices[0].message.content}. */
export function chatMock(answer: (text: string, system: string) => string = (text) => toyFrench(text)): ProviderMock {
  const r = recorder((status) => ({ error: { message: status === 429 ? 'Rate limit reached' : 'The server had an error', type: 'server_error' } }));
  return {
    calls: r.calls,
    fail: r.fail,
    handlers: [
      http.post(`${CHAT_URL}/chat/completions`, async ({ request }) => {
        const { call, fault } = await r.take(request);
        if (fault) return fault;
        const messages = call.body.messages as { role: string; content: string }[];
        const system = messages.find((m) => m.role === 'system')?.content ?? '';
        const user = messages.find((m) => m.role === 'user')?.content ?? '';
        return HttpResponse.json({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: call.body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer(user, system) } }],
        });
      }),
    ],
  };
}
