// Titles glued by their source (issue 18, finding 4): some scraped feeds put a listing card's whole
// text in <title>, without spaces: "Aug 18, 2026ScienceHow Claude is…" (date, category, title) or
// "InterpretabilityJul 6, 2026A global workspaceNew research…" (category, date, title, teaser).
// The rule fires only on a date glued to a letter, so a title that was not glued is never changed.

/** "Aug 18, 2026", "August 18, 2026", "Sept. 8, 2026": the dates seen glued in real feeds. */
const DATE =
  /(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? \d{1,2}, \d{4}/u;

/** A category label: one to five capitalised words ("Frontier Red Team"), "and" or "&" between them. */
const LABEL = /^\p{Lu}\p{Ll}+(?: (?:\p{Lu}\p{Ll}*|and|&)){0,4}$/u;

/** Longest label looked for before a date: a category, not a sentence. */
const MAX_LABEL_CHARS = 40;

/**
 * Where a lowercase word is glued to a capitalised one ("whyNew", "ScienceHow"): the index of the
 * capital, or -1. The lowercase part must be a whole word of two letters or more from its start,
 * so that "GitHub", "iPhone", "eBook" or "DeepSeek" are never split. One pass.
 */
function gluedWordBoundary(text: string, from: number, isLabel: boolean): number {
  let wordStart = from;
  for (let i = from; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === ' ') {
      wordStart = i + 1;
      continue;
    }
    // After a label, the title may open with an acronym ("ScienceAI models"); a teaser opens with a word.
    if (i === wordStart || !isUpper(char) || !(isLabel ? /\p{L}/u.test(text.charAt(i + 1)) : isLower(text.charAt(i + 1)))) continue;
    const lowerFrom = isLabel && isUpper(text.charAt(wordStart)) ? wordStart + 1 : wordStart;
    if (i - lowerFrom >= 2 && allLower(text, lowerFrom, i)) return i;
  }
  return -1;
}

function isUpper(char: string): boolean {
  return char !== '' && char !== char.toLowerCase() && char === char.toUpperCase();
}

function isLower(char: string): boolean {
  return char !== '' && char !== char.toUpperCase() && char === char.toLowerCase();
}

function allLower(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isLower(text.charAt(i))) return false;
  return true;
}

/** The title a glued one stands for, or the title itself when it is not plainly glued. Linear time. */
export function ungluedTitle(title: string): string {
  const date = DATE.exec(title);
  if (date === null) return title;
  let rest = title.slice(date.index + date[0].length);
  // Glued: a letter right after the date, no space.
  if (!/^\p{L}/u.test(rest)) return title;
  if (date.index > 0) {
    // "LabelDateTitle": what comes before is a label, glued to the date.
    const before = title.slice(0, date.index);
    if (before.length > MAX_LABEL_CHARS || !LABEL.test(before)) return title;
  } else {
    // "DateLabelTitle": the label ends where its last word is glued to the title's first.
    const end = gluedWordBoundary(rest.slice(0, MAX_LABEL_CHARS + 1), 0, true);
    if (end === -1 || !LABEL.test(rest.slice(0, end))) return title;
    rest = rest.slice(end);
  }
  // A teaser glued after the title ("…language modelsNew interpretability research…") is cut off.
  const teaser = gluedWordBoundary(rest, 0, false);
  const cleaned = (teaser === -1 ? rest : rest.slice(0, teaser)).trim();
  return cleaned === '' ? title : cleaned;
}
