// Escaping (and decoding) long text a slice at a time. One global replace over a string with a
// million matches keeps every part of its answer in one growing array, which the garbage collector
// reads again at each young-generation pass: a 512 KB title of '<' took 24 times as long to
// publish as 64 KB. Slices of SLICE characters keep that work small and short-lived.

const SLICE = 16_384;

/**
 * `replace(text)`, computed slice by slice. `replace` must act on each character alone (escaping,
 * dropping characters), or on references that start with `startsWith` and never hold it again
 * (`&amp;`): a slice then ends before the last such character it holds. A slice never ends
 * between the two halves of a surrogate pair.
 */
export function replaceBySlices(text: string, replace: (slice: string) => string, startsWith?: string): string {
  if (text.length <= SLICE) return replace(text);
  const parts: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + SLICE, text.length);
    if (end < text.length && startsWith !== undefined) {
      // Searched in the slice only: lastIndexOf on the whole text would read back to its start.
      const reference = text.slice(start + 1, end).lastIndexOf(startsWith);
      if (reference >= 0) end = start + 1 + reference;
    }
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += 1;
    parts.push(replace(text.slice(start, end)));
    start = end;
  }
  return parts.join('');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
