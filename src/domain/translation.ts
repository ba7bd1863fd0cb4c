// The translation cache's records: a translated text is keyed by everything that could change it.

export interface TranslationKey {
  readonly sourceHash: string;
  readonly provider: string;
  readonly model: string;
  readonly sourceLang: string;
  readonly targetLang: string;
  readonly glossaryHash: string;
}

export interface CachedTranslation {
  readonly text: string;
  readonly glossaryMisses: readonly string[];
}

/** A stored item that may need translating: not in the target language, and shown for its story. */
export interface TranslationCandidate {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly language: string;
  readonly publishedAt: string;
}
