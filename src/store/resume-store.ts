// The résumés' repository: one record per story (written or rejected, with the hash of what it was
// made from), and the requests and characters sent to the résumé provider per day.
import { itemGuid } from '../domain/guid.js';
import type { ResumeCache, StoredResume } from '../domain/resume.js';
import { prepared, type Db, type Statement } from './db.js';

interface ResumeRow {
  story_guid: string;
  input_hash: string;
  state: string;
  title: string;
  text: string;
  reasons: string;
  model: string;
  item_ids: string;
  created_at: string;
  reused_at: string | null;
}

export class ResumeStore implements ResumeCache {

  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  get(storyGuid: string): StoredResume | null {
    const row = this.statement<[string], ResumeRow>('SELECT * FROM resumes WHERE story_guid = ?').get(storyGuid);
    return row ? toResume(row) : null;
  }

  put(resume: StoredResume): void {
    this.statement(
      `INSERT INTO resumes (story_guid, input_hash, state, title, text, reasons, model, item_ids, created_at, reused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (story_guid) DO UPDATE SET input_hash = excluded.input_hash, state = excluded.state, title = excluded.title,
         text = excluded.text, reasons = excluded.reasons, model = excluded.model, item_ids = excluded.item_ids, created_at = excluded.created_at,
         reused_at = NULL`,
    ).run(
      resume.storyGuid,
      resume.inputHash,
      resume.state,
      resume.title,
      resume.text,
      JSON.stringify(resume.reasons),
      resume.model,
      JSON.stringify(resume.itemIds),
      resume.createdAt,
    );
  }

  /** The written résumé of the story one of `itemIds` belongs to (the digest reads stories by their items). */
  writtenFor(itemIds: readonly string[]): StoredResume | null {
    if (itemIds.length === 0) return null;
    const marks = itemIds.map(() => '?').join(', ');
    // A grouped item's story by its GUID; an item never grouped is a story under its own GUID.
    const row = this.statement<string[], ResumeRow>(
      `SELECT r.* FROM resumes r WHERE r.state = 'written' AND (
         r.story_guid IN (SELECT s.guid FROM items i JOIN stories s ON s.id = i.story_id WHERE i.id IN (${marks}))
         OR r.story_guid IN (${marks}))
       LIMIT 1`,
    ).get(...itemIds, ...itemIds.map(itemGuid));
    return row ? toResume(row) : null;
  }

  markReused(storyGuid: string, at: string): void {
    this.statement('UPDATE resumes SET reused_at = ? WHERE story_guid = ? AND reused_at IS NULL').run(at, storyGuid);
  }

  /** Stored records by state: written and rejected. */
  countByState(): { written: number; rejected: number } {
    const rows = this.statement<[], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM resumes GROUP BY state').all();
    const count = (state: string) => rows.find((row) => row.state === state)?.n ?? 0;
    return { written: count('written'), rejected: count('rejected') };
  }

  spent(day: string): { requests: number; characters: number } {
    const row = this.statement<[string], { requests: number; characters: number }>('SELECT requests, characters FROM resume_spending WHERE day = ?').get(day);
    return row ?? { requests: 0, characters: 0 };
  }

  addSpent(day: string, requests: number, characters: number): void {
    this.statement(
      `INSERT INTO resume_spending (day, requests, characters) VALUES (?, ?, ?)
       ON CONFLICT (day) DO UPDATE SET requests = resume_spending.requests + excluded.requests,
         characters = resume_spending.characters + excluded.characters`,
    ).run(day, requests, characters);
  }
}

function toResume(row: ResumeRow): StoredResume {
  return {
    storyGuid: row.story_guid,
    inputHash: row.input_hash,
    state: row.state === 'written' ? 'written' : 'rejected',
    title: row.title,
    text: row.text,
    reasons: parseList(row.reasons),
    model: row.model,
    itemIds: parseList(row.item_ids),
    createdAt: row.created_at,
    reusedAt: row.reused_at,
  };
}

function parseList(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
  } catch {
    return [];
  }
}
