// Translation answers are capped like feeds (issue 13, finding 7: a 1.5 GB answer took the
// process to 3.3 GB): a real HTTP server on 127.0.0.1 writes an answer that never ends, and each
// provider refuses it once it passes the cap, having taken little more than the cap from the socket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeepL } from '../../src/translate/deepl.js';
import { createLibreTranslate } from '../../src/translate/libretranslate.js';
import { createOpenAiCompatible } from '../../src/translate/openai.js';
import { answerCapFor, MIN_ANSWER_CAP_BYTES, TranslateError, type ProviderSettings, type TranslationProvider } from '../../src/translate/provider.js';

const CHUNK = Buffer.alloc(64 * 1024, 'x');
/** The endless answer stops by itself at 1 GiB: a bounded loop even if the client never stops. */
const LIMIT = 1024 * 1024 * 1024;

let server: Server;
let base: string;
/** Bytes the server managed to write per answer (socket backpressure holds the rest back). */
let written = 0;
let mode: 'endless' | 'declared' = 'endless';

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (mode === 'declared') {
        // Says 5 MiB, sends 2 bytes and waits: a client that trusts the header would wait too.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MIN_ANSWER_CAP_BYTES + 1) });
        response.write('{"');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"translatedText":["');
      written = 0;
      const pump = () => {
        while (written < LIMIT && !response.destroyed) {
          written += CHUNK.length;
          if (!response.write(CHUNK)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const settings = (url: string): ProviderSettings => ({ url, model: 'm', apiKey: 'k', timeoutMs: 10_000 });

const providers: Array<[string, () => TranslationProvider]> = [
  ['libretranslate', () => createLibreTranslate(settings(base))],
  ['deepl', () => createDeepL(settings(base), [], { get: () => null, set: () => undefined })],
  ['openai', () => createOpenAiCompatible(settings(`${base}/v1`))],
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

const request = { texts: ['A new model'], from: 'en', to: 'fr', glossary: [], now: () => new Date('2026-11-26T08:00:00Z') };

describe.each(providers)('%s', (name, create) => {
  it('refuses an answer that never ends once it passes the cap, with TRANSLATE_BAD_RESPONSE naming the provider and the cap', async () => {
    mode = 'endless';
    const error = await errorOf(create().translate(request));
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'TRANSLATE_BAD_RESPONSE', retryable: false });
    expect(error.message).toBe(`translate: ${name}: the answer exceeds 4 MiB; refused unread`);
    // Read as it came, not whole: the server could write the cap and what the socket buffers hold.
    expect(written).toBeLessThan(MIN_ANSWER_CAP_BYTES + 16 * 1024 * 1024);
  });

  it('refuses an answer whose Content-Length is over the cap before reading its body', async () => {
    mode = 'declared';
    const error = await errorOf(create().translate(request));
    expect(error.message).toBe(`translate: ${name}: the answer exceeds 4 MiB; refused unread`);
  });
});

it('scales the cap with the request: 16 bytes per byte sent, at least 4 MiB', () => {
  expect(answerCapFor(100)).toBe(MIN_ANSWER_CAP_BYTES);
  expect(answerCapFor(1024 * 1024)).toBe(16 * 1024 * 1024);
});
