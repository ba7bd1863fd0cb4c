// The translations' repository: the translation cache, one row per source text, provider, model,
// languages and glossary, so that an unchanged text never costs a second call; and the
// provider-side glossaries veille created.
import type { TranslationCache } from '../domain/ports.js';
import type { CachedTranslation, TranslationCandidate, TranslationKey } from '../domain/translation.js';
import { prepared, type Db, type Statement } from './db.js';

const KEY_WHERE = 'source_hash = ? AND provider = ? AND model = ? AND source_lang = ? AND target_lang = ? AND glossary_hash = ?';

export class TranslationStore implements TranslationCache {

  constructor(private readonly db: Db) {}

  private statement<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return prepared<P, R>(this.db, sql);
  }

  get(key: TranslationKey): CachedTranslation | null {
    const row = this.statement<unknown[], { text: string; glossary_misses: string }>(
      `SELECT text, glossary_misses FROM translations WHERE ${KEY_WHERE}`,
    ).get(...keyValues(key));
    return row ? { text: row.text, glossaryMisses: JSON.parse(row.glossary_misses) as string[] } : null;
  }

  put(key: TranslationKey, translation: CachedTranslation, now: string): void {
    this.statement(
      `INSERT INTO translations (source_hash, provider, model, source_lang, target_lang, glossary_hash, text, glossary_misses, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_hash, provider, model, source_lang, target_lang, glossary_hash) DO UPDATE SET text = excluded.text, glossary_misses = excluded.glossary_misses, created_at = excluded.created_at`,
    ).run(...keyValues(key), translation.text, JSON.stringify(translation.glossaryMisses), now);
  }

  count(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM translations').get() as { n: number }).n;
  }

  /**
   * Items published since `since` (and before `until` when given) whose language is known and is not
   * `targetLang`, newest first; an item whose story has a member in the target language is left out,
   * since that member tells the story.
   */
  candidates(targetLang: string, since: string, until?: string): TranslationCandidate[] {
    const prefix = `${targetLang.toLowerCase()}%`;
    const rows = this.statement<unknown[], { id: string; title: string; summary: string; language: string; published_at: string }>(
      `SELECT i.id, i.title, i.summary, i.language, i.published_at FROM items i
       WHERE i.published_at >= ? AND i.published_at < ? AND i.language IS NOT NULL AND lower(i.language) NOT LIKE ?
         AND (i.story_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM items o WHERE o.story_id = i.story_id AND o.language IS NOT NULL AND lower(o.language) LIKE ?))
       ORDER BY i.published_at DESC, i.id`,
    ).all(since, until ?? '9999', prefix, prefix);
    return rows.map((row) => ({ id: row.id, title: row.title, summary: row.summary, language: row.language, publishedAt: row.published_at }));
  }

  glossaryId(endpoint: string, sourceLang: string, targetLang: string, glossaryHash: string): string | null {
    const row = this.statement<unknown[], { remote_id: string }>(
      'SELECT remote_id FROM translation_glossaries WHERE endpoint = ? AND source_lang = ? AND target_lang = ? AND glossary_hash = ?',
    ).get(endpoint, sourceLang, targetLang, glossaryHash);
    return row?.remote_id ?? null;
  }

  saveGlossaryId(endpoint: string, sourceLang: string, targetLang: string, glossaryHash: string, remoteId: string | null, now: string): void {
    if (remoteId === null) {
      this.statement('DELETE FROM translation_glossaries WHERE endpoint = ? AND source_lang = ? AND target_lang = ? AND glossary_hash = ?').run(
        endpoint,
        sourceLang,
        targetLang,
        glossaryHash,
      );
      return;
    }
    this.statement(
      `INSERT INTO translation_glossaries (endpoint, source_lang, target_lang, glossary_hash, remote_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (endpoint, source_lang, target_lang, glossary_hash) DO UPDATE SET remote_id = excluded.remote_id, created_at = excluded.created_at`,
    ).run(endpoint, sourceLang, targetLang, glossaryHash, remoteId, now);
  }
}

function keyValues(key: TranslationKey): string[] {
  return [key.sourceHash, key.provider, key.model, key.sourceLang, key.targetLang, key.glossaryHash];
}
