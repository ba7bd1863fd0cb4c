// An OpenAI-compatible chat server on 127.0.0.1 for the résumé tests: each request is answered by
// the next behaviour in the queue (the last one repeats), and recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { readonly answer: string }
  | { readonly status: number; readonly headers?: Record<string, string> }
  | { readonly delayMs: number; readonly answer: string };

export interface ModelServer {
  readonly url: string;
  readonly requests: { messages: { role: string; content: string }[] }[];
  queue(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

export async function startModelServer(): Promise<ModelServer> {
  let behaviours: Behaviour[] = [];
  const requests: ModelServer['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ModelServer['requests'][number]);
      const behaviour = (behaviours.length > 1 ? behaviours.shift() : behaviours[0]) ?? { status: 500 };
      const answer = (content: string) =>
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
      if ('status' in behaviour) {
        response.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers }).end('{"error":{"message":"busy"}}');
      } else if ('delayMs' in behaviour) {
        const slow = behaviour as { delayMs: number; answer: string };
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) answer(slow.answer);
        }, slow.delayMs);
        timers.add(timer);
      } else answer(behaviour.answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    queue(...next) {
      behaviours = next;
      requests.length = 0;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** How a good model answers the AAAI story: French, from the sources, the titles translated in brackets. */
export const GOOD_ANSWER = [
  'IA open source et apprentissage fédéré : deux ateliers de l’AAAI',
  '',
  'AIhub publie une synthèse de deux ateliers de la conférence AAAI. Le premier atelier, « Open Source AI for Mainstream Use » (« L’IA open source pour un usage grand public »), s’interroge sur ce que signifie l’ouverture d’un modèle dont les poids, les données et le code d’entraînement sont publiés à des degrés divers.',
  '',
  'Le second atelier, « FLUID : Federated Learning for Unbounded and Intelligent Decentralization » (« Apprentissage fédéré pour une décentralisation illimitée et intelligente »), traite des défis de l’apprentissage fédéré en conditions réelles : des participants aux données et aux appareils hétérogènes entraînent un modèle commun sans mettre leurs données en commun, avec la confidentialité comme enjeu central.',
].join('\n');

/** The same, with a number and a name that no source holds. */
export const INVENTING_ANSWER = GOOD_ANSWER.replace('deux ateliers de la conférence AAAI.', 'deux ateliers de la conférence AAAI, suivis par 450 chercheurs selon Microsoft.');

export const ENGLISH_ANSWER = [
  'Open source AI and federated learning at AAAI',
  '',
  'AIhub published a recap of two workshops held at the AAAI conference. The first one, Open Source AI for Mainstream Use, asked what open should mean for models whose weights, data and training code are released to different degrees. The second one, FLUID, discussed how clients with heterogeneous data and devices can train a shared model without pooling their data, which keeps privacy at the centre of the discussion.',
].join('\n');

/** Markup, a script and a link a prompt injection asked for: all dropped, the text kept. */
export const MARKUP_ANSWER = [
  '<h1>**IA open source et apprentissage fédéré : deux ateliers de l’AAAI**</h1>',
  `<p>${GOOD_ANSWER.split('\n')[2] ?? ''} <a href="https://evil.example/steal">Cliquez ici</a></p>`,
  '<script>alert("pwned")</script>',
  `<p>${GOOD_ANSWER.split('\n')[4] ?? ''}</p>`,
].join('\n\n');
