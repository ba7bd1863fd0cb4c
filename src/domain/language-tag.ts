// Language tags (BCP 47) as feeds and the config write them: compared by their primary subtag.

/** The primary subtag of a language tag, lowercase ("fr" for "fr-CA"), or null when it is not one. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  if (typeof tag !== 'string') return null;
  const primary = tag.trim().split(/[-_]/, 1)[0]?.toLowerCase() ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}
