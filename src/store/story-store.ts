// The stories' repository: the items the cluster stage groups, its decisions recorded, and the
// stories read back newest first for the feeds (an item not yet grouped is a story of its own).
import { ITEM_GUID_PREFIX, storyGuid } from '../domain/guid.js';
import type { ClusterItem, StoredItem, StoredStory, StoryAssignment } from '../domain/story.js';
import { jsonArrayElements, jsonListValues, prepared, type Db, type Statement } from './db.js';
import { itemColumns, readStringList, toStoredItem, type ItemRow } from './item-store.js';

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
  full_text_links: string | null;
}

/** The feed's links, then the article page's that are not among them. */
function withFullTextLinks(links: string[], fullTextLinks: string | null, itemId: string): string[] {
  if (fullTextLinks === null) return links;
  const seen = new Set(links);
  return [...links, ...readStringList(fullTextLinks, itemId, 'full text links').filter((link) => !seen.has(link))];
}

const GROUPING_COLUMNS = `id, source_id, link, links, title, summary, language, published_at, story_id, text_signature,
  (SELECT f.links FROM item_full_texts f WHERE f.item_id = items.id AND f.state = 'ok') AS full_text_links`;

function toClusterItem(row: GroupingRow): ClusterItem {
  return {
    id: row.id,
    sourceId: row.source_id,
    link: row.link,
    // The article page's links too: a teaser rarely names the article it retells.
    links: withFullTextLinks(readStringList(row.links, row.id, 'links'), row.full_text_links, row.id),
    title: row.title,
    summary: row.summary,
    language: row.language,
    publishedAt: row.published_at,
    storyId: row.story_id,
    textSignature: row.text_signature,
  };
}

interface StoryHeadRow {
  story_id: number | null;
  item_id: string;
  guid: string | null;
  latest: string;
}

export class StoryStore {

  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  /**
   * Items waiting for the cluster stage (stored and not yet in a story), each passed through `keep`
   * as it is read: what the caller keeps of a row, not the row, is what the list holds (issue 15: a
   * first import's 17,680 rows, texts and signatures, were all held at once before grouping copied
   * what it reads of them). In no particular order: grouping orders them itself (groupItems, by
   * publication then id) and looks them up as a set (issue 15: ordered by first_seen_at, SQLite
   * sorted a first import's whole rows, ~12 MB, in a temporary B-tree, ~80 ms of the 200 of the read).
   */
  listUngroupedItems(keep: (item: ClusterItem) => ClusterItem = (item) => item): ClusterItem[] {
    const rows = this.statement<[], GroupingRow>(`SELECT ${GROUPING_COLUMNS} FROM items WHERE story_id IS NULL`).iterate();
    const items: ClusterItem[] = [];
    for (const row of rows) items.push(keep(toClusterItem(row)));
    return items;
  }

  /**
   * Hands each grouped item first seen or published since `since` to `visit`, in the order they were
   * first seen, one row at a time: the caller keeps what it needs, never the whole window (issue 15).
   */
  eachGroupedSince(since: string, visit: (item: ClusterItem) => void): void {
    const rows = this.statement<{ since: string }, GroupingRow>(
      `SELECT ${GROUPING_COLUMNS} FROM items
       WHERE story_id IS NOT NULL AND (published_at >= @since OR first_seen_at >= @since)
       ORDER BY first_seen_at, id`,
    ).iterate({ since });
    for (const row of rows) visit(toClusterItem(row));
  }

  /** Records the grouping: new stories, items joining stories, younger stories merged into older ones. */
  applyStoryAssignments(assignments: readonly Omit<StoryAssignment, 'reasons'>[], now: string): void {
    // New stories are found and made in one statement each, not two per story (on PostgreSQL, each
    // a round trip: a first import of 17,680 items made 35,360 of them).
    const findStories = this.statement<[string], { id: number; guid: string }>(`SELECT id, guid FROM stories WHERE guid IN ${jsonListValues(this.db, '?')}`);
    const insertStories = this.statement<[string, string, string], { id: number; guid: string }>(
      `INSERT INTO stories (guid, first_item_id, created_at, updated_at)
       SELECT value ->> 0, value ->> 1, ?, ? FROM ${jsonArrayElements(this.db, '?')} RETURNING id, guid`,
    );
    // Items joining stories, in one statement per run of joins (it was one per item): a run ends
    // where a merge moves a story's members, which must see the joins before it.
    const joinAll = this.statement<[string]>(
      `UPDATE items SET story_id = joining.story_id
       FROM (SELECT value ->> 0 AS item_id, CAST(value ->> 1 AS BIGINT) AS story_id FROM ${jsonArrayElements(this.db, '?')}) AS joining
       WHERE items.id = joining.item_id`,
    );
    let joins: [string, number][] = [];
    const join = (): void => {
      if (joins.length > 0) joinAll.run(JSON.stringify(joins));
      joins = [];
    };
    const moveMembers = this.statement('UPDATE items SET story_id = ? WHERE story_id = ?');
    const markMerged = this.statement('UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?');
    const touch = this.statement('UPDATE stories SET updated_at = ? WHERE id = ?');
    this.db.transaction(() => {
      // The GUID the first item was (or would have been) published under: it stays the story's.
      const firstItems = new Map<string, string>();
      for (const assignment of assignments) {
        const guid = assignment.storyId === null ? storyGuid(assignment.firstItemId) : null;
        if (guid !== null && !firstItems.has(guid)) firstItems.set(guid, assignment.firstItemId);
      }
      const storyIds = new Map<string, number>();
      if (firstItems.size > 0) {
        for (const row of findStories.all(JSON.stringify([...firstItems.keys()]))) storyIds.set(row.guid, Number(row.id));
        const missing = [...firstItems].filter(([guid]) => !storyIds.has(guid));
        if (missing.length > 0) for (const row of insertStories.all(now, now, JSON.stringify(missing))) storyIds.set(row.guid, Number(row.id));
      }
      for (const assignment of assignments) {
        let storyId = assignment.storyId;
        if (storyId === null) {
          storyId = storyIds.get(storyGuid(assignment.firstItemId)) as number;
        } else {
          touch.run(now, storyId);
        }
        for (const merged of assignment.mergedStoryIds) {
          join();
          moveMembers.run(storyId, merged);
          markMerged.run(storyId, now, merged);
        }
        for (const itemId of assignment.itemIds) joins.push([itemId, storyId]);
      }
      join();
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
    // Without a theme, only members published since the cutoff are read (a theme's filter bounds
    // the read already): a story with one of them has its newest there, and the stories without one
    // come after the `limit` that have. A story's MIN(i.id) read from part of its members is never
    // used: its GUID is its stories row's. '': every member; null: no cutoff in the statement.
    // PostgreSQL's statement stays as it was (see newestStoriesFrom). With `since` the walk is skipped:
    // its callers ask for thousands of stories, more than the walk would stop at (review).
    const cutoff = options.themeId || options.since !== undefined || this.db.dialect !== 'sqlite' ? null : this.newestStoriesFrom(limit);
    const heads = this.statement<{ limit: number; themeId: string | null; since: string | null; itemGuidPrefix: string; cutoff?: string }, StoryHeadRow>(
        `SELECT MIN(i.story_id) AS story_id, MIN(i.id) AS item_id, MIN(st.guid) AS guid, MAX(i.published_at) AS latest
         FROM items i JOIN sources s ON s.id = i.source_id LEFT JOIN stories st ON st.id = i.story_id
         WHERE s.active = 1 ${themeFilter} ${cutoff === null ? '' : 'AND i.published_at >= @cutoff'}
         GROUP BY COALESCE(CAST(i.story_id AS TEXT), 'item:' || i.id)
         HAVING CAST(@since AS TEXT) IS NULL OR MAX(i.published_at) >= @since
         ORDER BY latest DESC, COALESCE(MIN(st.guid), @itemGuidPrefix || MIN(i.id)) LIMIT @limit`,
      )
      .all({ limit, themeId: options.themeId ?? null, since: options.since ?? null, itemGuidPrefix: ITEM_GUID_PREFIX, ...(cutoff === null ? {} : { cutoff }) });
    const storyIds = heads.flatMap((head) => (head.story_id === null ? [] : [head.story_id]));
    const loose = heads.flatMap((head) => (head.story_id === null ? [head.item_id] : []));
    const members = this.statement<{ stories: string; items: string }, ItemRow & { story_id: number | null }>(
        `SELECT ${itemColumns(this.db)} FROM items i JOIN sources s ON s.id = i.source_id
         WHERE s.active = 1 AND (i.story_id IN ${jsonListValues(this.db, '@stories', { integers: true })}
           OR (i.story_id IS NULL AND i.id IN ${jsonListValues(this.db, '@items')}))
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
      return { id: head.story_id, guid: head.guid ?? storyGuid(head.item_id), members: byKey.get(key) ?? [] };
    });
  }

  /**
   * The publication time from which at least `limit` stories of active sources have a member, found
   * by walking the items newest first through items_by_date; '' when fewer stories have any (issue
   * 15: the merged feed's read grouped every stored item to keep a hundred). SQLite only: PostgreSQL's
   * bridge hands over a whole answer, and the walk would read every row there.
   */
  private newestStoriesFrom(limit: number): string {
    if (limit <= 0) return '';
    const rows = this.statement<[], { key: string; published_at: string }>(
      `SELECT COALESCE(CAST(i.story_id AS TEXT), 'item:' || i.id) AS key, i.published_at
       FROM items i JOIN sources s ON s.id = i.source_id
       WHERE s.active = 1 ORDER BY i.published_at DESC`,
    ).iterate();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.key);
      if (seen.size >= limit) {
        // Ends the statement: the rest is not read.
        rows.return?.();
        return row.published_at;
      }
    }
    return '';
  }
}
