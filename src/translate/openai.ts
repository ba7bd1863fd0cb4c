// Any OpenAI-compatible chat server (POST /v1/chat/completions: OpenAI, Ollama, llama.cpp server,
// vLLM): one text per request, the glossary in the instructions, temperature 0.
import {
  badResponse,
  joinUrl,
  postJson,
  withoutTrailingSlashes,
  type ProviderSettings,
  type TranslationProvider,
  type TranslationRequest,
} from './provider.js';

const NAME = 'openai';

/** Made by the first request: a run that translates nothing never builds it (issue 15). */
let languageNames: Intl.DisplayNames | null = null;
const englishNames = (): Intl.DisplayNames => (languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' }));

/** The chat completions URL from a base given with or without /v1, or the full URL. */
export function chatCompletionsUrl(base: string): string {
  const path = withoutTrailingSlashes(new URL(base).pathname);
  if (path.endsWith('/chat/completions')) return base;
  if (path.endsWith('/v1')) return joinUrl(base, 'chat/completions');
  return joinUrl(base, 'v1/chat/completions');
}

export function instructionsFor(request: Pick<TranslationRequest, 'from' | 'to' | 'glossary'>): string {
  const from = englishNames().of(request.from) ?? request.from;
  const to = englishNames().of(request.to) ?? request.to;
  const lines = [
    `You translate the titles and summaries of AI news from ${from} into ${to}, for a ${to}-language news digest.`,
    `Translate the user's text into ${to}. Answer with the translation only: no quotes, no notes, no explanation.`,
    'Keep the names of people, organisations, products and models as they are. Keep the meaning; do not add or drop facts.',
  ];
  if (request.glossary.length > 0) {
    lines.push('Translate these terms exactly as given:');
    for (const entry of request.glossary) lines.push(`- ${entry.source} → ${entry.target}`);
  }
  return lines.join('\n');
}

export function createOpenAiCompatible(settings: ProviderSettings): TranslationProvider {
  const url = chatCompletionsUrl(settings.url);
  const headers: Record<string, string> = settings.apiKey !== null ? { authorization: `Bearer ${settings.apiKey}` } : {};
  return {
    name: NAME,
    model: settings.model,
    batchSize: 1,
    glossaryMode: 'request',
    async translate(request) {
      const out: string[] = [];
      for (const text of request.texts) {
        const answer = await postJson(
          NAME,
          url,
          {
            model: settings.model,
            temperature: 0,
            stream: false,
            messages: [
              { role: 'system', content: instructionsFor(request) },
              { role: 'user', content: text },
            ],
          },
          { headers, timeoutMs: settings.timeoutMs, signal: request.signal, now: request.now },
        );
        const content = (answer as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
        if (typeof content !== 'string') throw badResponse(NAME, 'no choices[0].message.content');
        out.push(withoutReasoning(content));
      }
      return out;
    },
  };
}

/**
 * Reasoning models (DeepSeek-R1, Qwen3) may put their thinking in <think>…</think> before the answer.
 * Searched with two plain scans, not `/<think>[\s\S]*?<\/think>/g`, which reads to the end of the
 * answer again from every `<think>` that is never closed.
 */
export function withoutReasoning(content: string): string {
  const kept: string[] = [];
  let from = 0;
  for (;;) {
    THINK_OPEN.lastIndex = from;
    const open = THINK_OPEN.exec(content);
    if (open === null) break;
    THINK_CLOSE.lastIndex = open.index + open[0].length;
    const close = THINK_CLOSE.exec(content);
    if (close === null) break;
    kept.push(content.slice(from, open.index));
    from = close.index + close[0].length;
  }
  kept.push(content.slice(from));
  return kept.join('').trim();
}

const THINK_OPEN = /<think>/gi;
const THINK_CLOSE = /<\/think>/gi;
