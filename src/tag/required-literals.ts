// Literal words a regular expression cannot match without: a taxonomy's regex that opens with an
// alternation of many words ("the|a|federal|… courts?") is tried at every place of a text, where a
// test for "court" alone skips the text at the engine's literal speed (issue 15: the regulation
// `court` regex was the first cycle's costliest regex, 49 ms on the main thread).

/**
 * Strings one of which every match of `source` contains (the longest that the pattern's structure
 * proves), or null when the pattern gives none or uses syntax this reader does not follow (a
 * backreference, a lone "{"): the caller then tests the whole pattern, as before. Linear in the source.
 */
export function requiredLiterals(source: string): string[] | null {
  // A surrogate pair is one character to a pattern with the u flag: its halves are not literals of it.
  for (let index = 0; index < source.length; index++) {
    const code = source.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdfff) return null;
  }
  const reader = new PatternReader(source);
  try {
    const required = reader.disjunction();
    return reader.atEnd() ? required : null;
  } catch {
    return null;
  }
}

/** Characters that stand for themselves when escaped ("\." is a dot). */
const ESCAPED_LITERAL = /^[\\^$.*+?()[\]{}|/\-'’ ]$/u;

class PatternReader {
  private at = 0;

  constructor(private readonly source: string) {}

  atEnd(): boolean {
    return this.at >= this.source.length;
  }

  /** Alternatives separated by "|", up to ")" or the end: every match holds one of their strings. */
  disjunction(): string[] | null {
    const all: string[] = [];
    let none = false;
    for (;;) {
      const branch = this.alternative();
      if (branch === null) none = true;
      else all.push(...branch);
      if (this.source[this.at] !== '|') break;
      this.at += 1;
    }
    return none ? null : [...new Set(all)];
  }

  /**
   * A sequence of terms: its best candidate among the runs of plain characters that every match
   * reads in a row, and the required strings of its groups that must match at least once.
   */
  private alternative(): string[] | null {
    let best: string[] | null = null;
    let run = '';
    const offer = (candidate: string[] | null): void => {
      if (candidate !== null && candidate.length > 0 && shortest(candidate) > (best === null ? 0 : shortest(best))) best = candidate;
    };
    const endRun = (): void => {
      if (run !== '') offer([run]);
      run = '';
    };
    while (!this.atEnd() && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const term = this.term();
      const quantifier = this.quantifier();
      if (term.literal !== null && quantifier === null) {
        run += term.literal;
        continue;
      }
      endRun();
      if (quantifier === null || quantifier >= 1) offer(term.literal === null ? term.required : [term.literal]);
    }
    endRun();
    return best;
  }

  /** One atom or assertion: a plain character, or what a group requires (nothing for the rest). */
  private term(): { literal: string | null; required: string[] | null } {
    const char = this.source[this.at] as string;
    this.at += 1;
    if (char === '(') {
      let lookaround = false;
      if (this.source.startsWith('?:', this.at)) this.at += 2;
      else if (/^\?<?[=!]/u.test(this.source.slice(this.at, this.at + 3))) {
        this.at += this.source[this.at + 1] === '<' ? 3 : 2;
        lookaround = true;
      } else if (this.source.startsWith('?<', this.at)) {
        const close = this.source.indexOf('>', this.at);
        if (close < 0) throw new Error('required-literals: unclosed group name');
        this.at = close + 1;
      } else if (this.source[this.at] === '?') throw new Error('required-literals: unknown group');
      const required = this.disjunction();
      if (this.source[this.at] !== ')') throw new Error('required-literals: unclosed group');
      this.at += 1;
      return { literal: null, required: lookaround ? null : required };
    }
    if (char === '[') {
      if (this.source[this.at] === '^') this.at += 1;
      if (this.source[this.at] === ']') this.at += 1;
      while (!this.atEnd() && this.source[this.at] !== ']') this.at += this.source[this.at] === '\\' ? 2 : 1;
      if (this.atEnd()) throw new Error('required-literals: unclosed class');
      this.at += 1;
      return { literal: null, required: null };
    }
    if (char === '\\') {
      const next = this.source[this.at];
      if (next === undefined) throw new Error('required-literals: trailing backslash');
      this.at += 1;
      if (ESCAPED_LITERAL.test(next)) return { literal: next, required: null };
      // A class (\d, \w, \p{…}), an assertion (\b) or a code (\x41, \1, \k<…>): no plain character.
      if (/^[dDwWsSbB]$/u.test(next)) return { literal: null, required: null };
      throw new Error('required-literals: escape not followed');
    }
    if ('^$.'.includes(char)) return { literal: null, required: null };
    if ('*+?{}]'.includes(char)) throw new Error('required-literals: misplaced quantifier or bracket');
    return { literal: char, required: null };
  }

  /** The fewest repeats of the quantifier that follows, or null for none. */
  private quantifier(): number | null {
    const char = this.source[this.at];
    let least: number | null = null;
    if (char === '*' || char === '?') least = 0;
    else if (char === '+') least = 1;
    else if (char === '{') {
      const match = /^\{(\d+)(?:,\d*)?\}/u.exec(this.source.slice(this.at, this.at + 24));
      if (match === null) throw new Error('required-literals: "{" is no quantifier');
      this.at += match[0].length - 1;
      least = Number(match[1]);
    }
    if (least === null) return null;
    this.at += 1;
    if (this.source[this.at] === '?') this.at += 1;
    return least;
  }
}

function shortest(strings: readonly string[]): number {
  let length = Infinity;
  for (const s of strings) length = Math.min(length, s.length);
  return length;
}

/**
 * A test that `pattern` cannot match where it fails: one of its required literals, with its flags (so
 * that case is folded alike), or null when the pattern gives none or opens with a plain character
 * (found at the engine's literal speed already, a test first would only add a pass).
 */
export function literalGuard(pattern: RegExp): RegExp | null {
  if (/^(?:\\b|\^)*(?:[^\\[(.^$|*+?{]|\\[\\^$.*+?()[\]{}|/\-'’ ])/u.test(pattern.source)) return null;
  const literals = requiredLiterals(pattern.source);
  if (literals === null) return null;
  return new RegExp(literals.map((s) => s.replace(/[\\^$.*+?()[\]{}|/]/gu, '\\$&')).join('|'), pattern.flags.replace('g', ''));
}
