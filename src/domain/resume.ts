// Résumés (issue 16): a story's title and résumé in the site's language, written by a model from
// the texts of all its members, checked for faithfulness before it is stored, and the cache port.

/** One member of a story as the résumé is written from it. */
export interface ResumeSource {
  readonly itemId: string;
  /** The source's name, as the entry credits it. */
  readonly sourceName: string;
  readonly title: string;
  /** Plain text: the member's full text when fetched, else its own text from the feed. */
  readonly text: string;
  readonly language: string | null;
  readonly link: string | null;
}

/** A story that may get a résumé: a member not in the site's language. */
export interface ResumeCandidate {
  readonly guid: string;
  readonly sources: readonly ResumeSource[];
}

export type ResumeState = 'written' | 'rejected';

/** A stored résumé, or the record of a rejected one (title and text ''). */
export interface StoredResume {
  readonly storyGuid: string;
  /** Hash of the members' texts, the model, the prompt and the glossary: an equal key costs no call. */
  readonly inputHash: string;
  readonly state: ResumeState;
  readonly title: string;
  readonly text: string;
  /** Why the check refused it (rejected), or [] (written). */
  readonly reasons: readonly string[];
  readonly model: string;
  /** The members it was written from. */
  readonly itemIds: readonly string[];
  /** ISO 8601: when it was written or rejected. */
  readonly createdAt: string;
  /** ISO 8601: the first time a later run found it current; null until then. */
  readonly reusedAt: string | null;
}

/** The résumés already paid for, one per story, and what a run or a day has spent. */
export interface ResumeCache {
  get(storyGuid: string): StoredResume | null;
  put(resume: StoredResume): void;
  /** Records that a run found the story's résumé current (the first time only). */
  markReused(storyGuid: string, at: string): void;
  /** Requests and characters sent on `day` (YYYY-MM-DD, UTC). */
  spent(day: string): { readonly requests: number; readonly characters: number };
  addSpent(day: string, requests: number, characters: number): void;
}
