// eld's n-gram table, read from its data file with only the languages a detector may answer: the
// 60-language table costs about 28 MB of heap (50 MB resident) in each thread that imports it, the
// French and English part (4,331 of 49,553 n-grams) a tenth of that (issue 15). eld drops the other
// languages' scores when a subset is set, and every language keeps its index, so results are the same.

/** eld's data as its `loadData` takes it (eld/src/ngrams/*.js: `export const ngramsData = {…}`). */
export interface EldTables {
  readonly type: string;
  /** Index → ISO 639-1 code, all of the file's languages: the indexes in `ngrams` and eld's scores. */
  readonly languages: Readonly<Record<string, string>>;
  readonly isSubset: boolean;
  /** N-gram → language index → score, for the kept languages only. */
  readonly ngrams: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * The table of eld's data file `source` with the n-gram scores of the languages in `keep` only.
 * The file is one object literal of keys, quoted strings, integers and booleans; it is scanned once
 * (linear, no evaluation), and an entry is built only for an n-gram a kept language has.
 */
export function readEldTables(source: string, keep: readonly string[]): EldTables {
  const reader = new LiteralReader(source);
  reader.skipPast('ngramsData');
  reader.skipPast('=');
  reader.expect('{');
  let type = '';
  let isSubset = false;
  let languages: Record<string, string> = {};
  let ngrams: Record<string, Record<string, number>> = Object.create(null) as Record<string, Record<string, number>>;
  let kept = new Set<string>();
  reader.eachEntry((field) => {
    switch (field) {
      case 'type':
        type = reader.string();
        break;
      case 'isSubset':
        isSubset = reader.word() === 'true';
        break;
      case 'languages':
        languages = {};
        reader.expect('{');
        reader.eachEntry((index) => {
          languages[index] = reader.string();
        });
        kept = new Set(Object.keys(languages).filter((index) => keep.includes(languages[index] as string)));
        break;
      case 'ngrams':
        if (Object.keys(languages).length === 0) throw new Error('language: eld data file: ngrams come before languages');
        ngrams = readNgrams(reader, kept);
        break;
      default:
        throw new Error(`language: eld data file: unexpected field ${JSON.stringify(field)} at ${reader.position}`);
    }
  });
  return { type, languages, isSubset, ngrams };
}

function readNgrams(reader: LiteralReader, kept: ReadonlySet<string>): Record<string, Record<string, number>> {
  const ngrams = Object.create(null) as Record<string, Record<string, number>>;
  reader.expect('{');
  reader.eachEntry((ngram) => {
    let scores: Record<string, number> | null = null;
    reader.expect('{');
    reader.eachEntry((index) => {
      const score = reader.integer();
      if (kept.has(index)) (scores ??= {})[index] = score;
    });
    if (scores !== null) ngrams[ngram] = scores;
  });
  return ngrams;
}

/** A cursor over the object literal of eld's data file: just the forms that file uses. */
class LiteralReader {
  position = 0;

  constructor(private readonly text: string) {}

  skipPast(token: string): void {
    const at = this.text.indexOf(token, this.position);
    if (at < 0) throw new Error(`language: eld data file: no ${JSON.stringify(token)} after ${this.position}`);
    this.position = at + token.length;
  }

  expect(char: string): void {
    this.skipSpaces();
    if (this.text[this.position] !== char) {
      throw new Error(`language: eld data file: expected ${JSON.stringify(char)} at ${this.position}, found ${JSON.stringify(this.text[this.position] ?? 'the end')}`);
    }
    this.position += 1;
  }

  /** The entries `key: value` of an object whose `{` is read, up to and with its `}`; `read` reads each value. */
  eachEntry(read: (key: string) => void): void {
    this.skipSpaces();
    if (this.text[this.position] === '}') {
      this.position += 1;
      return;
    }
    for (;;) {
      const key = this.key();
      this.expect(':');
      read(key);
      this.skipSpaces();
      const next = this.text[this.position];
      this.position += 1;
      if (next === '}') return;
      if (next !== ',') throw new Error(`language: eld data file: expected "," or "}" at ${this.position - 1}`);
    }
  }

  /** A quoted key, or a bare one (an identifier or a number) up to the colon. */
  private key(): string {
    this.skipSpaces();
    const quote = this.text[this.position];
    if (quote === "'" || quote === '"') return this.string();
    const start = this.position;
    while (this.position < this.text.length && !isKeyEnd(this.text.charCodeAt(this.position))) this.position += 1;
    if (this.position === start) throw new Error(`language: eld data file: expected a key at ${start}`);
    return this.text.slice(start, this.position);
  }

  /** A quoted string; the file escapes only quotes and backslashes. */
  string(): string {
    this.skipSpaces();
    const quote = this.text[this.position];
    if (quote !== "'" && quote !== '"') throw new Error(`language: eld data file: expected a string at ${this.position}`);
    let value = '';
    let start = this.position + 1;
    for (let at = start; at < this.text.length; at += 1) {
      const char = this.text[at];
      if (char === quote) {
        this.position = at + 1;
        return value + this.text.slice(start, at);
      }
      if (char === '\\') {
        const escaped = this.text[at + 1] ?? '';
        if (escaped !== "'" && escaped !== '"' && escaped !== '\\') throw new Error(`language: eld data file: unsupported escape \\${escaped} at ${at}`);
        value += this.text.slice(start, at) + escaped;
        at += 1;
        start = at + 1;
      }
    }
    throw new Error(`language: eld data file: unterminated string at ${this.position}`);
  }

  integer(): number {
    const word = this.word();
    const value = Number(word);
    if (!Number.isInteger(value) || word === '') throw new Error(`language: eld data file: expected an integer, found ${JSON.stringify(word)} at ${this.position}`);
    return value;
  }

  /** A bare value (a number, true or false), up to the next comma or closing brace. */
  word(): string {
    this.skipSpaces();
    const start = this.position;
    while (this.position < this.text.length && !isWordEnd(this.text.charCodeAt(this.position))) this.position += 1;
    return this.text.slice(start, this.position).trim();
  }

  private skipSpaces(): void {
    while (this.position < this.text.length && isSpace(this.text.charCodeAt(this.position))) this.position += 1;
  }
}

const COLON = 0x3a;
const COMMA = 0x2c;
const CLOSE = 0x7d;

function isKeyEnd(code: number): boolean {
  return code === COLON || isSpace(code);
}

function isWordEnd(code: number): boolean {
  return code === COMMA || code === CLOSE;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0xfeff;
}
