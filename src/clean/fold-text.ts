// How normalize tells whether a summary only repeats the title: both folded (lowercase, each run of
// white space and ellipses one space, trimmed) and compared. Most summaries differ from the title
// within a few characters, so the comparison folds both as it reads them and stops at the first
// difference, instead of making two folded copies of each (issue 15).

/** A text as sameFoldedText compares it: lowercase, each run of white space and ellipses one space, trimmed. */
export function foldText(text: string): string {
  return text.toLowerCase().replace(/[\s…]+/g, ' ').trim();
}

/** Whether foldText(a) === foldText(b). */
export function sameFoldedText(a: string, b: string): boolean {
  return foldedMatch(new FoldCursor(a), new FoldCursor(b)) ?? foldText(a) === foldText(b);
}

const END = -1;
/** A character folded here cannot be told alone (see FoldCursor): the whole texts are folded. */
const UNTOLD = -2;
const SPACE = 0x20;

/** true or false when the texts' ASCII starts decide it, else null. */
function foldedMatch(left: FoldCursor, right: FoldCursor): boolean | null {
  for (;;) {
    const a = left.next();
    const b = right.next();
    if (a === UNTOLD || b === UNTOLD) return null;
    if (a !== b) return false;
    if (a === END) return true;
  }
}

/**
 * The folded text's UTF-16 units one by one, ASCII only: an ASCII letter's lowercase does not depend
 * on its neighbours, where a Σ's does (ς at a word's end), and İ's is two units.
 */
class FoldCursor {
  private index = 0;
  private started = false;
  private pending = -1;

  constructor(private readonly text: string) {}

  next(): number {
    if (this.pending >= 0) {
      const code = this.pending;
      this.pending = -1;
      return code;
    }
    let space = false;
    while (this.index < this.text.length) {
      const code = this.text.charCodeAt(this.index);
      this.index += 1;
      if (isFoldSpace(code)) {
        // A run is one space, and none at either end (trim).
        space = this.started;
        continue;
      }
      if (code >= 0x80) return UNTOLD;
      this.started = true;
      const lower = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
      if (!space) return lower;
      this.pending = lower;
      return SPACE;
    }
    return END;
  }
}

/** JavaScript's \s (WhiteSpace and LineTerminator, as trim() reads them too) and the ellipsis. */
function isFoldSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return (
    code === 0x2026 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}
