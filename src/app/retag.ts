// `veille retag`: the taxonomy applied again to every stored item, so that a changed vocabulary
// reaches what is already stored; the site is published again with the new themes.
import type { Config } from '../config/load-config.js';
import { htmlToText } from '../clean/text.js';
import type { Clock } from '../domain/ports.js';
import type { SourceSpec, ThemeMatch } from '../domain/types.js';
import type { Store } from '../store/store.js';
import type { Tagger } from '../tag/tagger.js';
import type { Taxonomy } from '../tag/taxonomy.js';
import { publishFromStore } from './publish.js';
import { resolveSources } from './sources.js';
import type { Translator } from '../translate/translator.js';

export interface RetagSummary {
  readonly items: number;
  /** Items whose themes, scores or evidence changed. */
  readonly changed: number;
  /** Per theme id: items that gained it and items that lost it. */
  readonly themes: Readonly<Record<string, { readonly added: number; readonly removed: number }>>;
  readonly published: number;
  readonly durationMs: number;
}

/** Items read and written per transaction: bounded memory whatever the store's size. */
const PAGE = 1_000;

export interface RetagDeps {
  readonly config: Config;
  readonly store: Store;
  readonly taxonomy: Taxonomy;
  /** The tagger for the configured sources' languages (App.tagging, src/app/app.ts). */
  tagging(sources: readonly SourceSpec[]): { readonly tagger: Tagger };
  readonly clock: Clock;
  /** The site is published again with it (cached translations only: retag translates nothing new). */
  readonly translator: Translator | null;
}

export async function retagStoredItems(deps: RetagDeps): Promise<RetagSummary> {
  const { store, taxonomy } = deps;
  const { tagger } = deps.tagging(resolveSources(deps.config));
  const started = performance.now();
  const themes = Object.fromEntries(taxonomy.themes.map((theme) => [theme.id, { added: 0, removed: 0 }]));
  let items = 0;
  let changed = 0;
  for (let after: string | null = null; ; ) {
    const page = store.itemsForTagging(after, PAGE);
    if (page.length === 0) break;
    const changes: { itemId: string; themes: ThemeMatch[] }[] = [];
    for (const row of page) {
      const now = tagger.tag({
        title: row.title,
        summary: row.summary,
        // The article page's text when it was fetched (issue 16), as the cycle tags it.
        content: row.fullText ?? htmlToText(row.contentHtml),
        categories: row.categories,
        // The stored language was settled by the language stage when the item was stored.
        language: row.language,
        languageSettled: true,
        sourceUrl: row.sourceUrl,
      });
      if (sameThemes(row.themes, now)) continue;
      changes.push({ itemId: row.id, themes: now });
      const before = new Set(row.themes.map((theme) => theme.id));
      const after = new Set(now.map((theme) => theme.id));
      for (const id of after) if (!before.has(id)) (themes[id] ??= { added: 0, removed: 0 }).added += 1;
      for (const id of before) if (!after.has(id)) (themes[id] ??= { added: 0, removed: 0 }).removed += 1;
    }
    store.replaceThemes(changes);
    items += page.length;
    changed += changes.length;
    after = page[page.length - 1]?.id ?? null;
  }
  const published = await publishFromStore({
    config: deps.config,
    store,
    taxonomy,
    builtAt: deps.clock.now(),
    translator: deps.translator,
  });
  return { items, changed, themes, published, durationMs: Math.round(performance.now() - started) };
}

/** Same theme ids, scores and evidence (`stored` sorted by id; the tagger gives taxonomy order). */
function sameThemes(stored: readonly ThemeMatch[], now: readonly ThemeMatch[]): boolean {
  if (stored.length !== now.length) return false;
  const sorted = [...now].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.every((theme, i) => {
    const old = stored[i];
    return old !== undefined && old.id === theme.id && old.score === theme.score && JSON.stringify(old.evidence) === JSON.stringify(theme.evidence);
  });
}
