// `veille extract URL [--json]`: what the full-text stage gets from one page: title, byline,
// language and text; with --json also the cleaned HTML ({ title, byline, language, text, html }).
import { extractPage } from '../app/extract.js';
import type { AppSettings } from '../app/app.js';
import type { Output } from './output.js';

export async function runExtractCommand(settings: AppSettings, url: string, json: boolean, output: Output): Promise<number> {
  const page = await extractPage(settings, url);
  if (json) {
    const { title, byline, language, text, html } = page;
    output.out(`${JSON.stringify({ title, byline, language, text, html }, null, 2)}\n`);
    return 0;
  }
  output.out(
    `title: ${page.title ?? '-'}\nbyline: ${page.byline ?? '-'}\nlanguage: ${page.language ?? '-'}\n` +
      `words: ${page.text.split(/\s+/).filter((word) => word !== '').length}\n\n${page.text}\n`,
  );
  return 0;
}
