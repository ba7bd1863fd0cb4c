// The project's state: sources with their HTTP state and health, items with their themes.
// Every write that belongs together happens in one transaction, so a crash loses nothing stored.
import { existsSync } from 'node:fs';
import { sourceUrlKey } from '../domain/source-url.js';
import type { Item, SourceSpec, ThemeMatch } from '../domain/types.js';
import { openDatabase, prepared, type Db, type Statement } from './database.js';
import { DigestStore } from './digest-store.js';
import { isDiskFull } from './disk-full.js';
import { hashItemContent } from './item-hash.js';
import { TranslationStore } from './translation-store.js';

export interface SourceRecord {
  readonly id: number;
  readonly key: string;
  readonly url: string;
  readonly name: string | null;
  readonly lang: string | null;
  readonly active: boolean;
  readonly siteUrl: string | null;
  readonly feedTitle: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastErrorAt: string | null;
  readonly lastErrorCode: string | null;
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  readonly nextFetchAt: string | null;
  readonly movedFrom: string | null;
  readonly movedAt: string | null;
  readonly lastNewItemAt: string | null;
  readonly itemCount: number;
  readonly createdAt: string;
  /** JSON of the feed's own schedule hints, as the worker wrote them on the last full fetch. */
  readonly feedHints: string | null;
}

/** A host that asked not to be contacted before a time (HTTP 429 or 503 with Retry-After). */
export interface HostDeferral {
  readonly host: string;
  readonly notBefore: string;
  readonly reason: string;
}

export interface SourceNotModified {
  readonly at: string;
  readonly nextFetchAt: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

export interface StoredItem extends Item {
  readonly sourceId: number;
  readonly firstSeenAt: string;
  readonly changedAt: string | null;
  readonly themes: readonly ThemeMatch[];
}

export interface SourceSuccess {
  readonly at: string;
  readonly nextFetchAt: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly siteUrl?: string | null;
  readonly feedTitle?: string | null;
  /** Set when the feed answered with permanent redirects: the URL to fetch from now on. */
  readonly movedTo?: string | null;
  /** JSON of the feed's schedule hints; kept as they were when absent. */
  readonly feedHints?: string | null;
}

export interface SourceFailure {
  readonly at: string;
  readonly nextFetchAt: string;
  readonly code: string;
  readonly message: string;
}

export interface TaggedItem {
  readonly item: Item;
  readonly themes: readonly ThemeMatch[];
  /** hashItemContent(item), when the caller already has it (computed on a parsing thread). */
  readonly contentHash?: string;
  /** The cluster stage's encoded text signature of the title and summary, stored for grouping. */
  readonly textSignature?: Uint8Array;
}

export interface SaveResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** An item as the cluster stage compares it (src/cluster ClusterItem, structurally). */
export interface GroupingItem {
  readonly id: string;
  readonly sourceId: number;
  readonly link: string | null;
  readonly links: readonly string[];
  readonly title: string;
  readonly summary: string;
  readonly language: string | null;
  readonly publishedAt: string;
  readonly storyId: number | null;
  readonly textSignature: Uint8Array | null;
}

/** What the cluster stage decided for one group (src/cluster StoryAssignment, structurally). */
export interface StoryAssignmentInput {
  readonly storyId: number | null;
  readonly firstItemId: string;
  readonly itemIds: readonly string[];
  readonly mergedStoryIds: readonly number[];
}

/** A story and its members (active sources), oldest first. `id` is null for an item not yet grouped. */
export interface StoredStory {
  readonly id: number | null;
  readonly guid: string;
  readonly members: readonly StoredItem[];
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
}

interface GroupingRow {
  id: string;
  source_id: number;
  link: string | null;
  links: string;
  title: string;
  summary: string;
  language: string | null;
  published_at: string;
  story_id: number | null;
  text_signature: Uint8Array | null;
}

interface StoryHeadRow {
  story_id: number | null;
  item_id: string;
  guid: string | null;
  latest: string;
}

interface SourceRow {
  id: number;
  key: string;
  url: string;
  name: string | null;
  lang: string | null;
  active: number;
  site_url: string | null;
  feed_title: string | null;
  etag: string | null;
  last_modified: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
  last_error_code: string | null;
  last_error: string | null;
  consecutive_failures: number;
  next_fetch_at: string | null;
  moved_from: string | null;
  moved_at: string | null;
  last_new_item_at: string | null;
  item_count: number;
  created_at: string;
  feed_hints: string | null;
}

interface ItemRow {
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
}

const SOURCE_COLUMNS = `s.*, (SELECT COUNT(*) FROM items i WHERE i.source_id = s.id) AS item_count`;
const ITEM_COLUMNS = `i.*, (
  SELECT json_group_array(json_object('id', t.theme_id, 'score', t.score, 'evidence', json(t.evidence)))
  FROM item_themes t WHERE t.item_id = i.id) AS themes`;

export class Store {
  private digestStore: DigestStore | null = null;
  private translationStore: TranslationStore | null = null;

  private constructor(private readonly db: Db) {}

  /** The prepared statement for `sql`, prepared once per connection. */
  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  /** The store when its file exists, else null: commands that only read never create one. */
  static openIfExists(path: string): Store | null {
    return existsSync(path) ? Store.open(path) : null;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.checkpoint();
    } catch (error) {
      // On a full disk the write-ahead log keeps what was written, and SQLite moves it into the
      // database on the next open: closing goes on, and the error that ended the command is the
      // one reported, not this one.
      if (!isDiskFull(error)) throw error;
    } finally {
      this.db.close();
    }
  }

  /** Moves the write-ahead log into the database file; run after each cycle. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Makes the stored sources match the config: new ones added, missing ones deactivated. Sources
   * are compared by sourceUrlKey: configured URLs that differ only in case, default port or
   * fragment are one source, named as the first of them says. Its row is the oldest holding one of
   * these URLs as written, else the oldest holding a URL of the same key (before sources were
   * compared so, several rows may hold one feed: the others stay stored, inactive). A new source
   * is stored under its URL as configured, which stays its key.
   */
  syncSources(specs: readonly SourceSpec[], now: string): SourceRecord[] {
    const find = this.statement<[string, string], { id: number }>(
      'SELECT id FROM sources WHERE key = ? OR url = ? ORDER BY id LIMIT 1',
    );
    const insert = this.statement<[string, string, string | null, string | null, string]>(
      'INSERT INTO sources (key, url, name, lang, active, created_at) VALUES (?, ?, ?, ?, 1, ?)',
    );
    const update = this.statement('UPDATE sources SET name = ?, lang = ?, active = 1 WHERE id = ?');
    const groups = new Map<string, SourceSpec[]>();
    for (const spec of specs) {
      const key = sourceUrlKey(spec.url);
      const group = groups.get(key);
      if (group) group.push(spec);
      else groups.set(key, [spec]);
    }
    // Built on the first configured URL no row holds as written: every row by the key of both its URLs.
    let storedByKey: Map<string, number> | null = null;
    const findStored = (key: string, group: readonly SourceSpec[]): number | null => {
      let found: number | null = null;
      for (const spec of group) {
        const id = find.get(spec.url, spec.url)?.id;
        if (id !== undefined && (found === null || id < found)) found = id;
      }
      if (found !== null) return found;
      storedByKey ??= this.mapStoredSourcesByKey();
      return storedByKey.get(key) ?? null;
    };
    this.db.transaction(() => {
      this.statement('UPDATE sources SET active = 0').run();
      for (const [key, group] of groups) {
        const spec = group[0] as SourceSpec;
        const existing = findStored(key, group);
        if (existing !== null) update.run(spec.name, spec.lang, existing);
        else {
          const id = Number(insert.run(spec.url, spec.url, spec.name, spec.lang, now).lastInsertRowid);
          storedByKey?.set(key, id);
        }
      }
    })();
    return this.listSources({ activeOnly: true });
  }

  /** sourceUrlKey of each row's key and URL → the row's id, the oldest row first. */
  private mapStoredSourcesByKey(): Map<string, number> {
    const rows = this.statement<[], { id: number; key: string; url: string }>('SELECT id, key, url FROM sources ORDER BY id').all();
    const byKey = new Map<string, number>();
    for (const row of rows) {
      for (const url of [row.key, row.url]) {
        const key = sourceUrlKey(url);
        if (!byKey.has(key)) byKey.set(key, row.id);
      }
    }
    return byKey;
  }

  listSources(options: { activeOnly: boolean }): SourceRecord[] {
    const where = options.activeOnly ? 'WHERE s.active = 1' : '';
    const rows = this.statement<[], SourceRow>(`SELECT ${SOURCE_COLUMNS} FROM sources s ${where} ORDER BY s.id`).all();
    return rows.map(toSourceRecord);
  }

  recordAttempt(sourceId: number, at: string): void {
    this.statement('UPDATE sources SET last_attempt_at = ? WHERE id = ?').run(at, sourceId);
  }

  recordSuccess(sourceId: number, success: SourceSuccess): void {
    this.db.transaction(() => {
      this.statement(
          `UPDATE sources SET last_success_at = @at, next_fetch_at = @nextFetchAt, etag = @etag,
             last_modified = @lastModified, consecutive_failures = 0,
             site_url = COALESCE(@siteUrl, site_url), feed_title = COALESCE(@feedTitle, feed_title),
             feed_hints = COALESCE(@feedHints, feed_hints)
           WHERE id = @id`,
        )
        .run({
          id: sourceId,
          at: success.at,
          nextFetchAt: success.nextFetchAt,
          etag: success.etag,
          lastModified: success.lastModified,
          siteUrl: success.siteUrl ?? null,
          feedTitle: success.feedTitle ?? null,
          feedHints: success.feedHints ?? null,
        });
      if (success.movedTo) {
        const taken = this.statement('SELECT id FROM sources WHERE url = ? AND id <> ?').get(success.movedTo, sourceId);
        if (!taken) {
          this.statement('UPDATE sources SET moved_from = url, moved_at = ?, url = ? WHERE id = ? AND url <> ?')
            .run(success.at, success.movedTo, sourceId, success.movedTo);
        }
      }
    })();
  }

  /** A 304: one row update, the check time and what the server said, nothing else. */
  recordNotModified(sourceId: number, check: SourceNotModified): void {
    this.statement(
        `UPDATE sources SET last_attempt_at = @at, last_success_at = @at, next_fetch_at = @nextFetchAt,
           etag = @etag, last_modified = @lastModified, consecutive_failures = 0
         WHERE id = @id`,
      )
      .run({ id: sourceId, ...check });
  }

  /** Moves a source's next fetch later without counting a failure (its host asked to wait). */
  postponeSource(sourceId: number, nextFetchAt: string): void {
    this.statement('UPDATE sources SET next_fetch_at = ? WHERE id = ?').run(nextFetchAt, sourceId);
  }

  /** Records that a host is not to be contacted before `notBefore`; a later time already stored wins. */
  deferHost(deferral: HostDeferral, at: string): void {
    this.db.transaction(() => {
      this.statement('DELETE FROM hosts WHERE not_before <= ?').run(at);
      this.statement(
          `INSERT INTO hosts (host, not_before, reason, updated_at) VALUES (@host, @notBefore, @reason, @at)
           ON CONFLICT (host) DO UPDATE SET not_before = MAX(not_before, excluded.not_before),
             reason = excluded.reason, updated_at = excluded.updated_at`,
        )
        .run({ ...deferral, at });
    })();
  }

  /** Hosts still deferred at `now`. */
  listHostDeferrals(now: string): HostDeferral[] {
    return this.statement<[string], { host: string; not_before: string; reason: string }>(
        'SELECT host, not_before, reason FROM hosts WHERE not_before > ? ORDER BY host',
      )
      .all(now)
      .map((row) => ({ host: row.host, notBefore: row.not_before, reason: row.reason }));
  }

  recordFailure(sourceId: number, failure: SourceFailure): void {
    this.statement(
        `UPDATE sources SET last_error_at = @at, last_error_code = @code, last_error = @message,
           next_fetch_at = @nextFetchAt, consecutive_failures = consecutive_failures + 1
         WHERE id = @id`,
      )
      .run({ id: sourceId, ...failure });
  }

  /** Inserts new items and updates the ones edited upstream, with their themes, in one transaction. */
  saveItems(sourceId: number, tagged: readonly TaggedItem[], now: string): SaveResult {
    const select = this.statement<[string], { source_id: number; content_hash: string }>(
      'SELECT source_id, content_hash FROM items WHERE id = ?',
    );
    const insert = this.statement(
      `INSERT INTO items (id, source_id, guid, link, title, summary, content_html, author, published_at,
         updated_at, date_missing, categories, language, links, image_url, content_hash, first_seen_at, last_seen_at,
         text_signature)
       VALUES (@id, @sourceId, @guid, @link, @title, @summary, @contentHtml, @author, @publishedAt,
         @updatedAt, @dateMissing, @categories, @language, @links, @imageUrl, @contentHash, @now, @now, @textSignature)`,
    );
    const update = this.statement(
      `UPDATE items SET guid = @guid, link = @link, title = @title, summary = @summary, content_html = @contentHtml,
         author = @author, updated_at = @updatedAt, categories = @categories, language = @language, links = @links,
         image_url = @imageUrl, content_hash = @contentHash, last_seen_at = @now, changed_at = @now,
         text_signature = @textSignature,
         published_at = CASE WHEN @dateMissing = 1 THEN published_at ELSE @publishedAt END,
         date_missing = CASE WHEN @dateMissing = 1 THEN date_missing ELSE 0 END
       WHERE id = @id`,
    );
    const touch = this.statement('UPDATE items SET last_seen_at = ? WHERE id = ?');
    const clearThemes = this.statement('DELETE FROM item_themes WHERE item_id = ?');
    const insertTheme = this.statement(
      'INSERT INTO item_themes (item_id, theme_id, score, evidence) VALUES (?, ?, ?, ?)',
    );
    const saveThemes = (itemId: string, themes: readonly ThemeMatch[], isNew: boolean): void => {
      if (!isNew) clearThemes.run(itemId);
      for (const theme of themes) insertTheme.run(itemId, theme.id, theme.score, JSON.stringify(theme.evidence));
    };

    const batchIds = new Set(tagged.map(({ item }) => item.id));
    return this.db.transaction((): SaveResult => {
      let inserted = 0;
      let updated = 0;
      let unchanged = 0;
      // A source's first items cannot be re-publications: one query instead of one per item.
      const hadItems = this.statement<[number], unknown>('SELECT 1 FROM items WHERE source_id = ? LIMIT 1').get(sourceId) !== undefined;
      for (const { item: incoming, themes, contentHash: known, textSignature } of tagged) {
        let item = incoming;
        let existing = select.get(item.id);
        const republishedId = existing || !hadItems ? null : this.findRepublished(sourceId, item, batchIds);
        if (republishedId !== null) {
          item = { ...item, id: republishedId };
          existing = select.get(republishedId);
        }
        const contentHash = known ?? hashItemContent(item);
        const row = toItemParams(sourceId, item, contentHash, now, textSignature ?? null);
        if (!existing) {
          insert.run(row);
          saveThemes(item.id, themes, true);
          inserted += 1;
        } else if (existing.content_hash !== contentHash) {
          update.run(row);
          saveThemes(item.id, themes, false);
          updated += 1;
        } else {
          touch.run(now, item.id);
          unchanged += 1;
        }
      }
      if (inserted > 0) this.statement('UPDATE sources SET last_new_item_at = ? WHERE id = ?').run(now, sourceId);
      return { inserted, updated, unchanged };
    })();
  }

  /**
   * An item re-published by its source with a new GUID (or an edited title, so a new id) but the
   * same canonical link is the stored item edited, not a second one (Miniflux #3120): it keeps the
   * stored id, hence its published GUID and its story. Not when the stored item is still in the
   * feed (`batchIds`): then the source really has two items with one link. Home-page links never count.
   */
  private findRepublished(sourceId: number, item: Item, batchIds: ReadonlySet<string>): string | null {
    if (item.link === null || !hasPath(item.link)) return null;
    const previous = this.statement<[number, string], { id: string }>(
        'SELECT id FROM items WHERE source_id = ? AND link = ? ORDER BY first_seen_at, id LIMIT 1',
      )
      .get(sourceId, item.link);
    return previous && !batchIds.has(previous.id) ? previous.id : null;
  }

  /** Items to group: the stored ones grouped since `since` (first seen or published), and every ungrouped one. */
  listGroupingItems(since: string): { stored: GroupingItem[]; fresh: GroupingItem[] } {
    const rows = this.statement<{ since: string }, GroupingRow>(
        `SELECT id, source_id, link, links, title, summary, language, published_at, story_id, text_signature FROM items
         WHERE story_id IS NULL OR published_at >= @since OR first_seen_at >= @since
         ORDER BY first_seen_at, id`,
      )
      .all({ since });
    const stored: GroupingItem[] = [];
    const fresh: GroupingItem[] = [];
    for (const row of rows) {
      const item: GroupingItem = {
        id: row.id,
        sourceId: row.source_id,
        link: row.link,
        links: JSON.parse(row.links) as string[],
        title: row.title,
        summary: row.summary,
        language: row.language,
        publishedAt: row.published_at,
        storyId: row.story_id,
        textSignature: row.text_signature,
      };
      (row.story_id === null ? fresh : stored).push(item);
    }
    return { stored, fresh };
  }

  /** Records the grouping: new stories, items joining stories, younger stories merged into older ones. */
  applyStoryAssignments(assignments: readonly StoryAssignmentInput[], now: string): void {
    const insertStory = this.statement<[string, string, string, string], unknown>(
      'INSERT INTO stories (guid, first_item_id, created_at, updated_at) VALUES (?, ?, ?, ?)',
    );
    const findStory = this.statement<[string], { id: number }>('SELECT id FROM stories WHERE guid = ?');
    const join = this.statement('UPDATE items SET story_id = ? WHERE id = ?');
    const moveMembers = this.statement('UPDATE items SET story_id = ? WHERE story_id = ?');
    const markMerged = this.statement('UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?');
    const touch = this.statement('UPDATE stories SET updated_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const assignment of assignments) {
        let storyId = assignment.storyId;
        if (storyId === null) {
          // The GUID the first item was (or would have been) published under: it stays the story's.
          const guid = storyGuidOf(assignment.firstItemId);
          storyId = findStory.get(guid)?.id ?? Number(insertStory.run(guid, assignment.firstItemId, now, now).lastInsertRowid);
        } else {
          touch.run(now, storyId);
        }
        for (const merged of assignment.mergedStoryIds) {
          moveMembers.run(storyId, merged);
          markMerged.run(storyId, now, merged);
        }
        for (const itemId of assignment.itemIds) join.run(storyId, itemId);
      }
    })();
  }

  /**
   * Newest stories of active sources first (by their newest member), each with its members oldest
   * first; with `themeId`, the stories one of whose members is tagged with it. An item not yet
   * grouped counts as a story of its own. `since`: only stories with a member published since then.
   */
  recentStories(limit: number, options: { themeId?: string; since?: string } = {}): StoredStory[] {
    // A grouped item is in when a member of its story is tagged; an item not yet grouped, when it is.
    const themeFilter = options.themeId
      ? `AND (i.story_id IN (SELECT x.story_id FROM item_themes t JOIN items x ON x.id = t.item_id
             WHERE t.theme_id = @themeId AND x.story_id IS NOT NULL)
           OR (i.story_id IS NULL AND i.id IN (SELECT t.item_id FROM item_themes t WHERE t.theme_id = @themeId)))`
      : '';
    const heads = this.statement<{ limit: number; themeId: string | null; since: string | null }, StoryHeadRow>(
        `SELECT i.story_id AS story_id, MIN(i.id) AS item_id, st.guid AS guid, MAX(i.published_at) AS latest
         FROM items i JOIN sources s ON s.id = i.source_id LEFT JOIN stories st ON st.id = i.story_id
         WHERE s.active = 1 ${themeFilter}
         GROUP BY COALESCE(CAST(i.story_id AS TEXT), 'item:' || i.id)
         HAVING @since IS NULL OR MAX(i.published_at) >= @since
         ORDER BY latest DESC, COALESCE(st.guid, 'urn:veille:item:' || MIN(i.id)) LIMIT @limit`,
      )
      .all({ limit, themeId: options.themeId ?? null, since: options.since ?? null });
    const storyIds = heads.flatMap((head) => (head.story_id === null ? [] : [head.story_id]));
    const loose = heads.flatMap((head) => (head.story_id === null ? [head.item_id] : []));
    const members = this.statement<{ stories: string; items: string }, ItemRow & { story_id: number | null }>(
        `SELECT ${ITEM_COLUMNS} FROM items i JOIN sources s ON s.id = i.source_id
         WHERE s.active = 1 AND (i.story_id IN (SELECT value FROM json_each(@stories))
           OR (i.story_id IS NULL AND i.id IN (SELECT value FROM json_each(@items))))
         ORDER BY i.published_at, i.id`,
      )
      .all({ stories: JSON.stringify(storyIds), items: JSON.stringify(loose) });
    const byKey = new Map<string, StoredItem[]>();
    for (const row of members) {
      const key = row.story_id === null ? `item:${row.id}` : `story:${row.story_id}`;
      const list = byKey.get(key) ?? [];
      list.push(toStoredItem(row));
      byKey.set(key, list);
    }
    return heads.map((head) => {
      const key = head.story_id === null ? `item:${head.item_id}` : `story:${head.story_id}`;
      return { id: head.story_id, guid: head.guid ?? storyGuidOf(head.item_id), members: byKey.get(key) ?? [] };
    });
  }

  /** Newest items of active sources first; with `themeId`, only the items tagged with it. */
  recentItems(limit: number, themeId?: string): StoredItem[] {
    const themeFilter = themeId
      ? 'AND EXISTS (SELECT 1 FROM item_themes t WHERE t.item_id = i.id AND t.theme_id = @themeId)'
      : '';
    const rows = this.statement<{ limit: number; themeId: string | null }, ItemRow>(
        `SELECT ${ITEM_COLUMNS} FROM items i JOIN sources s ON s.id = i.source_id
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
           (SELECT json_group_array(json_object('id', t.theme_id, 'score', t.score, 'evidence', json(t.evidence)))
            FROM item_themes t WHERE t.item_id = i.id) AS themes
         FROM items i JOIN sources s ON s.id = i.source_id
         WHERE @after IS NULL OR i.id > @after ORDER BY i.id LIMIT @limit`,
      )
      .all({ after: afterId, limit });
    return rows.map((row) => ({
      id: row.id,
      sourceUrl: row.source_url,
      title: row.title,
      summary: row.summary,
      contentHtml: row.content_html,
      categories: JSON.parse(row.categories) as string[],
      language: row.language,
      themes: (JSON.parse(row.themes) as ThemeMatch[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
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

  /** The digest's tables (issues, delivery log), on the same connection. */
  digests(): DigestStore {
    this.digestStore ??= new DigestStore(this.db);
    return this.digestStore;
  }

  /** The translation cache and the provider-side glossaries, on the same connection. */
  translations(): TranslationStore {
    this.translationStore ??= new TranslationStore(this.db);
    return this.translationStore;
  }

  countItems(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
  }

  /** SQLite's own check of the file: "ok" when whole. */
  checkIntegrity(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

/** The GUID of a story: its first item's own entry GUID, so single-item stories keep theirs. */
export function storyGuidOf(firstItemId: string): string {
  return `urn:veille:item:${firstItemId}`;
}

function hasPath(url: string): boolean {
  try {
    const parsed = new URL(url);
    return /[^/]/.test(parsed.pathname) || parsed.search !== '';
  } catch {
    return false;
  }
}

function toItemParams(sourceId: number, item: Item, contentHash: string, now: string, textSignature: Uint8Array | null) {
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
  };
}

function toSourceRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    key: row.key,
    url: row.url,
    name: row.name,
    lang: row.lang,
    active: row.active === 1,
    siteUrl: row.site_url,
    feedTitle: row.feed_title,
    etag: row.etag,
    lastModified: row.last_modified,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastErrorAt: row.last_error_at,
    lastErrorCode: row.last_error_code,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    nextFetchAt: row.next_fetch_at,
    movedFrom: row.moved_from,
    movedAt: row.moved_at,
    lastNewItemAt: row.last_new_item_at,
    itemCount: row.item_count,
    createdAt: row.created_at,
    feedHints: row.feed_hints,
  };
}

function toStoredItem(row: ItemRow): StoredItem {
  const themes = (row.themes ? (JSON.parse(row.themes) as ThemeMatch[]) : []).filter((theme) => theme.id !== null);
  return {
    id: row.id,
    sourceId: row.source_id,
    guid: row.guid,
    link: row.link,
    title: row.title,
    summary: row.summary,
    contentHtml: row.content_html,
    author: row.author,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    dateMissing: row.date_missing === 1,
    categories: JSON.parse(row.categories) as string[],
    language: row.language,
    links: JSON.parse(row.links) as string[],
    imageUrl: row.image_url,
    firstSeenAt: row.first_seen_at,
    changedAt: row.changed_at,
    themes,
  };
}
