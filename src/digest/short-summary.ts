// A summary cut to whole sentences for the digest: at most three, about 480 characters, in the
// text's own language's sentence rules.

const MAX_SUMMARY_CHARS = 480;
const segmenters = new Map<string, Intl.Segmenter>();

/** At most three whole sentences and about 480 characters; a single long sentence is cut with an ellipsis. */
export function shortSummary(text: string, language: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed.length <= 160) return trimmed;
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
    segmenters.set(language, segmenter);
  }
  let out = '';
  let count = 0;
  // Only the head is segmented: a long text costs no more than a short one.
  for (const { segment } of segmenter.segment(trimmed.slice(0, MAX_SUMMARY_CHARS * 2))) {
    if (count === 3 || (count > 0 && out.length + segment.length > MAX_SUMMARY_CHARS)) break;
    out += segment;
    count += 1;
  }
  out = out.trim();
  if (out.length > MAX_SUMMARY_CHARS) {
    const cut = out.slice(0, MAX_SUMMARY_CHARS);
    out = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_SUMMARY_CHARS / 2)).trimEnd()}…`;
  }
  return out;
}
