// The résumé provider: any OpenAI-compatible chat server (POST /v1/chat/completions: Ollama,
// llama.cpp, vLLM, Mistral, OpenAI), one story per request, stream off, temperature 0. The HTTP
// call and its errors (429 with Retry-After, 5xx, timeouts, answer cap) are the translate stage's.
import { chatCompletionsUrl, withoutReasoning } from '../translate/openai.js';
import { badResponse, postJson, type ProviderSettings } from '../translate/provider.js';
import type { ChatMessage } from './prompt.js';

export interface ResumeProvider {
  readonly name: string;
  readonly model: string;
  /** The model's answer as text (a reasoning model's <think> block removed); throws a TranslateError. */
  complete(messages: readonly ChatMessage[], options: { signal?: AbortSignal; now: () => Date }): Promise<string>;
}

const NAME = 'openai';

export function createChatProvider(settings: ProviderSettings): ResumeProvider {
  const url = chatCompletionsUrl(settings.url);
  const headers: Record<string, string> = settings.apiKey !== null ? { authorization: `Bearer ${settings.apiKey}` } : {};
  return {
    name: NAME,
    model: settings.model,
    async complete(messages, options) {
      const answer = await postJson(
        `${NAME} (summarize)`,
        url,
        { model: settings.model, temperature: 0, stream: false, messages },
        { headers, timeoutMs: settings.timeoutMs, signal: options.signal, now: options.now },
      );
      const content = (answer as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw badResponse(NAME, 'no choices[0].message.content');
      return withoutReasoning(content);
    },
  };
}
