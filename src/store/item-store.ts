// The items' repository: items as stored with their themes, saved per source in one transaction
// (an item edited upstream is updated under its id, a re-published one found by the domain's rule),
// read back for the feeds and for `veille retag`.
import { VeilleError } from '../domain/errors.js';
import { findRepublishedId } from '../domain/item-identity.js';
import type { StoredItem } from '../domain/story.js';
import type { Item, ThemeMatch } from '../domain/types.js';
import { atomically, jsonArrayElements, jsonListValues, prepared, type Db, type Statement } from './db.js';
import { hashItemContent } from './item-hash.js';

export interface TaggedItem {
  readonly item: Item;
  readonly themes: readonly ThemeMatch[];
  /** hashItemContent(item), when the caller already has it (computed on a parsing thread). */
  readonly contentHash?: string;
  /** The cluster stage's encoded text signature of the title and summary, stored for grouping. */
  readonly textSignature?: Uint8Array;
  /** hashRawItem of the item as parsed: the next time the feed carries it unchanged, it is not cleaned again. */
  readonly rawHash?: string;
}

export interface SaveResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** A stored item as `veille retag` gives it to the tagger, with its themes now (by id). */
export interface TaggingRow {
  readonly id: string;
  readonly sourceUrl: string;
  readonly title: string;
  readonly summary: string;
  readonly contentHtml: string;
  readonly categories: readonly string[];
  readonly language: string | null;
  readonly themes: readonly ThemeMatch[];
  /** The article page's text, when it was fetched. */
  readonly fullText: string | null;
}

interface RawTaggingRow {
  id: string;
  source_url: string;
  title: string;
  summary: string;
  content_html: string;
  categories: string;
  language: string | null;
  themes: string;
  full_text: string | null;
}

/** An items row read with itemColumns. */
export interface ItemRow {
  id: string;
  source_id: number;
  guid: string | null;
  link: string | null;
  title: string;
  summary: string;
  content_html: string;
  author: string | null;
  published_at: string;
  updated_at: string | null;
  date_missing: number;
  categories: string;
  language: string | null;
  links: string;
  image_url: string | null;
  first_seen_at: string;
  changed_at: string | null;
  themes: string | null;
  full_text: string | null;
  full_text_html: string | null;
}

/** The themes of the item `i` as one JSON array of {id, score, evidence}, by theme id ('[]' when none). */
export function themesJson(db: Db): string {
  return db.dialect === 'sqlite'
    ? `(SELECT json_group_array(json_object('id', t.theme_id, 'score', t.score, 'evidence', json(t.evidence)))
        FROM item_themes t WHERE t.item_id = i.id)`
    : `(SELECT CAST(COALESCE(json_agg(json_build_object('id', t.theme_id, 'score', t.score, 'evidence', CAST(t.evidence AS json))
          ORDER BY t.theme_id), '[]') AS text)
        FROM item_themes t WHERE t.item_id = i.id)`;
}

/** Every column of `items i`, and its themes as one JSON array. */
export function itemColumns(db: Db): string {
  return `i.*, ${themesJson(db)} AS themes,
  (SELECT f.text FROM item_full_texts f WHERE f.item_id = i.id AND f.state = 'ok') AS full_text,
  (SELECT f.html FROM item_full_texts f WHERE f.item_id = i.id AND f.state = 'ok' AND f.publish = 1) AS full_text_html`;
}

export class ItemStore {

  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /** Inserts new items and updates the ones edited upstream, with their themes, in one transaction. */
  saveItems(sourceId: number, tagged: readonly TaggedItem[], now: string): SaveResult {
    const select = this.statement<[string], { source_id: number; content_hash: string }>(
      'SELECT source_id, content_hash FROM items WHERE id = ?',
    );
    // Values by position: better-sqlite3 binds an object's named values one property lookup each,
    // and the object was a copy made for it (issue 15: a first import's 17,680 inserts, 2.4 times
    // the CPU of binding the same values by position).
    const insert = this.statement(
      `INSERT INTO items (id, source_id, guid, link, title, summary, content_html, author, published_at,
         updated_at, date_missing, categories, language, links, image_url, content_hash, first_seen_at, last_seen_at,
         text_signature, raw_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const update = this.statement(
      `UPDATE items SET guid = @guid, link = @link, title = @title, summary = @summary, content_html = @contentHtml,
         author = @author, updated_at = @updatedAt, categories = @categories, language = @language, links = @links,
         image_url = @imageUrl, content_hash = @contentHash, last_seen_at = @now, changed_at = @now,
         text_signature = @textSignature, raw_hash = @rawHash,
         published_at = CASE WHEN @dateMissing = 1 THEN published_at ELSE @publishedAt END,
         date_missing = CASE WHEN @dateMissing = 1 THEN date_missing ELSE 0 END
       WHERE id = @id`,
    );
    const touch = this.statement('UPDATE items SET last_seen_at = ?, raw_hash = ? WHERE id = ?');
    const clearThemes = this.statement('DELETE FROM item_themes WHERE item_id = ?');
    const insertTheme = this.statement(
      'INSERT INTO item_themes (item_id, theme_id, score, evidence) VALUES (?, ?, ?, ?)',
    );
    // PostgreSQL's (decode is not SQLite's): prepared on first use.
    const insertItems = (): Statement<[number, string, string, string]> => this.statement(
      `INSERT INTO items (id, source_id, guid, link, title, summary, content_html, author, published_at,
         updated_at, date_missing, categories, language, links, image_url, content_hash, first_seen_at, last_seen_at,
         text_signature, raw_hash)
       SELECT value ->> 0, ?, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
         value ->> 8, CAST(value ->> 9 AS INTEGER), value ->> 10, value ->> 11, value ->> 12, value ->> 13, value ->> 14, ?, ?,
         decode(value ->> 15, 'hex'), value ->> 16
       FROM ${jsonArrayElements(this.db, '?')}`,
    );
    const insertThemes = (): Statement<[string]> => this.statement(
      `INSERT INTO item_themes (item_id, theme_id, score, evidence)
       SELECT value ->> 0, value ->> 1, CAST(value ->> 2 AS DOUBLE PRECISION), value ->> 3 FROM ${jsonArrayElements(this.db, '?')}`,
    );
    // On PostgreSQL the batch's new items and their themes are written in one statement each (a
    // statement each was a round trip of the bridge's thread to the server): kept until the next
    // statement that could see them. SQLite writes each at once, which is as fast there.
    const manyAtOnce = this.db.dialect === 'postgres';
    const newItems: unknown[][] = [];
    const newThemes: unknown[][] = [];
    const writeNew = (): void => {
      if (newItems.length > 0) insertItems().run(sourceId, now, now, JSON.stringify(newItems.splice(0)));
      if (newThemes.length > 0) insertThemes().run(JSON.stringify(newThemes.splice(0)));
    };
    const saveThemes = (itemId: string, themes: readonly ThemeMatch[], isNew: boolean): void => {
      if (!isNew) clearThemes.run(itemId);
      for (const theme of themes) {
        if (manyAtOnce) newThemes.push([itemId, theme.id, theme.score, JSON.stringify(theme.evidence)]);
        else insertTheme.run(itemId, theme.id, theme.score, JSON.stringify(theme.evidence));
      }
    };
    const insertItem = (row: ReturnType<typeof toItemParams>): void => {
      if (!manyAtOnce) {
        insert.run(row.id, row.sourceId, row.guid, row.link, row.title, row.summary, row.contentHtml, row.author, row.publishedAt, row.updatedAt,
          row.dateMissing, row.categories, row.language, row.links, row.imageUrl, row.contentHash, row.now, row.now, row.textSignature, row.rawHash);
        return;
      }
      const signature = row.textSignature === null ? null : Buffer.from(row.textSignature.buffer, row.textSignature.byteOffset, row.textSignature.byteLength).toString('hex');
      newItems.push([row.id, row.guid, row.link, row.title, row.summary, row.contentHtml, row.author, row.publishedAt, row.updatedAt,
        row.dateMissing, row.categories, row.language, row.links, row.imageUrl, row.contentHash, signature, row.rawHash]);
    };

    const byLink = this.statement<[number, string], { id: string }>(
      'SELECT id FROM items WHERE source_id = ? AND link = ? ORDER BY first_seen_at, id LIMIT 1',
    );
    const oldestWithLink = (link: string): string | null => {
      writeNew();
      return byLink.get(sourceId, link)?.id ?? null;
    };

    const batchIds = new Set(tagged.map(({ item }) => item.id));
    // The stored rows of the batch's ids and one row of the source if it has any, read in one
    // query (a first import read them one by one; then whether the source had items, in another).
    const storedRows = this.statement<[string, number], { id: string; source_id: number; content_hash: string }>(
      `SELECT id, source_id, content_hash FROM items WHERE id IN ${jsonListValues(this.db, '?')}
       UNION ALL SELECT id, source_id, content_hash FROM (SELECT id, source_id, content_hash FROM items WHERE source_id = ? LIMIT 1) AS one_of_source`,
    );
    return atomically(this.db, (): SaveResult => {
      let inserted = 0;
      let updated = 0;
      let unchanged = 0;
      const stored = new Map<string, { source_id: number; content_hash: string }>();
      // A source's first items cannot be re-publications: no look-up by link for them.
      let hadItems = false;
      for (const row of storedRows.all(JSON.stringify([...batchIds]), sourceId)) {
        stored.set(row.id, row);
        if (Number(row.source_id) === sourceId) hadItems = true;
      }
      for (const { item: incoming, themes, contentHash: known, textSignature, rawHash } of tagged) {
        let item = incoming;
        let existing = stored.get(item.id);
        const republishedId = existing || !hadItems ? null : findRepublishedId(item, batchIds, oldestWithLink);
        if (republishedId !== null) {
          item = { ...item, id: republishedId };
          writeNew();
          existing = stored.get(republishedId) ?? select.get(republishedId);
        }
        const contentHash = known ?? hashItemContent(item);
        const row = toItemParams(sourceId, item, contentHash, now, textSignature ?? null, rawHash ?? null);
        // What this batch writes, for an id it holds twice.
        if (!existing || existing.content_hash !== contentHash) stored.set(item.id, { source_id: existing?.source_id ?? sourceId, content_hash: contentHash });
        if (!existing) {
          insertItem(row);
          saveThemes(item.id, themes, true);
          inserted += 1;
        } else if (existing.content_hash !== contentHash) {
          // An id this batch inserted and holds again: its row is written first.
          writeNew();
          update.run(row);
          saveThemes(item.id, themes, false);
          updated += 1;
        } else {
          writeNew();
          touch.run(now, rawHash ?? null, item.id);
          unchanged += 1;
        }
      }
      writeNew();
      if (inserted > 0) this.statement('UPDATE sources SET last_new_item_at = ? WHERE id = ?').run(now, sourceId);
      return { inserted, updated, unchanged };
    });
  }

  /**
   * The raw hashes of a source's stored items, for the processing thread to skip those the feed
   * still carries unchanged. Items stored without a usable date are left out: their date is the
   * fetch time, and a later fetch may find the feed's date usable (no longer in the future).
   */
  async rawHashes(sourceId: number): Promise<string[]> {
    const rows = await this.statement<[number], { raw_hash: string }>(
      'SELECT raw_hash FROM items WHERE source_id = ? AND raw_hash IS NOT NULL AND date_missing = 0',
    ).allAsync(sourceId);
    return rows.map((row) => row.raw_hash);
  }

  /** Items the feed still carries, unchanged: seen now, nothing else written. */
  touchItems(ids: readonly string[], now: string): void {
    if (ids.length === 0) return;
    this.statement(`UPDATE items SET last_seen_at = ? WHERE id IN ${jsonListValues(this.db, '?')}`).run(now, JSON.stringify(ids));
  }

  /** Newest items of active sources first; with `themeId`, only the items tagged with it. */
  recentItems(limit: number, themeId?: string): StoredItem[] {
    const themeFilter = themeId
      ? 'AND EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = i.id AND t.theme_id = @themeId)'
      : '';
    const rows = this.statement<{ limit: number; themeId: string | null }, ItemRow>(
        `SELECT ${itemColumns(this.db)} FROM items i JOIN sources s ON s.id = i.source_id
         WHERE s.active = 1 ${themeFilter}
         ORDER BY i.published_at DESC, i.id LIMIT @limit`,
      )
      .all({ limit, themeId: themeId ?? null });
    return rows.map(toStoredItem);
  }

  /**
   * Stored items as the tagger reads them, by id, `limit` at a time after `afterId` (null: from the
   * start), with the ids and scores of their themes now.
   */
  itemsForTagging(afterId: string | null, limit: number): TaggingRow[] {
    const rows = this.statement<{ after: string | null; limit: number }, RawTaggingRow>(
        `SELECT i.id, s.url AS source_url, i.title, i.summary, i.content_html, i.categories, i.language,
           ${themesJson(this.db)} AS themes,
           (SELECT f.text FROM item_full_texts f WHERE f.item_id = i.id AND f.state = 'ok') AS full_text
         FROM items i JOIN sources s ON s.id = i.source_id
         WHERE CAST(@after AS TEXT) IS NULL OR i.id > @after ORDER BY i.id LIMIT @limit`,
      )
      .all({ after: afterId, limit });
    return rows.map((row) => ({
      id: row.id,
      sourceUrl: row.source_url,
      title: row.title,
      summary: row.summary,
      contentHtml: row.content_html,
      categories: readStringList(row.categories, row.id, 'categories'),
      language: row.language,
      themes: (JSON.parse(row.themes) as ThemeMatch[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      fullText: row.full_text,
    }));
  }

  /** Replaces the themes of items, in one transaction. */
  replaceThemes(changes: readonly { readonly itemId: string; readonly themes: readonly ThemeMatch[] }[]): void {
    const clear = this.statement('DELETE FROM item_themes WHERE item_id = ?');
    const insert = this.statement('INSERT INTO item_themes (item_id, theme_id, score, evidence) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const change of changes) {
        clear.run(change.itemId);
        for (const theme of change.themes) insert.run(change.itemId, theme.id, theme.score, JSON.stringify(theme.evidence));
      }
    })();
  }

  countItems(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
  }
}

function toItemParams(sourceId: number, item: Item, contentHash: string, now: string, textSignature: Uint8Array | null, rawHash: string | null) {
  return {
    id: item.id,
    sourceId,
    guid: item.guid,
    link: item.link,
    title: item.title,
    summary: item.summary,
    contentHtml: item.contentHtml,
    author: item.author,
    publishedAt: item.publishedAt,
    updatedAt: item.updatedAt,
    dateMissing: item.dateMissing ? 1 : 0,
    categories: JSON.stringify(item.categories),
    language: item.language,
    links: JSON.stringify(item.links),
    imageUrl: item.imageUrl,
    contentHash,
    now,
    textSignature,
    rawHash,
  };
}

export function toStoredItem(row: ItemRow): StoredItem {
  const themes = (row.themes ? (JSON.parse(row.themes) as ThemeMatch[]) : []).filter((theme) => theme.id !== null);
  return {
    id: row.id,
    sourceId: row.source_id,
    guid: row.guid,
    link: row.link,
    title: row.title,
    summary: row.summary,
    // A source with fullText: always publishes the article page's cleaned text instead of the feed's.
    contentHtml: row.full_text_html ?? row.content_html,
    author: row.author,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    dateMissing: row.date_missing === 1,
    categories: readStringList(row.categories, row.id, 'categories'),
    language: row.language,
    links: readStringList(row.links, row.id, 'links'),
    imageUrl: row.image_url,
    firstSeenAt: row.first_seen_at,
    changedAt: row.changed_at,
    themes,
    fullText: row.full_text ?? null,
  };
}

/**
 * A JSON list of strings stored in an items column (categories, links), checked as it is read:
 * a row that holds anything else stops here, naming the item and the column, not later in a
 * stage that expected strings.
 */
export function readStringList(json: string, itemId: string, column: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw new VeilleError('STORE_FAILED', `store: item ${itemId}: ${column} is not a JSON list of strings`);
  }
  return value as string[];
}
