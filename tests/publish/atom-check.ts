// Test helper: the W3C Feed Validator's Atom rules that matter to veille's feeds (issue 18,
// finding 7), written as a check of our own: the validator is a Python web service we cannot
// run offline. Each problem is named after the validator's message it stands for.
import { parseXml } from './xml-check.js';

/** RFC 3339 date-time (RFC 4287 §3.3). */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

type Node = Record<string, unknown> | string | undefined;

function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return '';
}

function links(node: Record<string, unknown>): Array<Record<string, string>> {
  return (node.link as Array<Record<string, string>> | undefined) ?? [];
}

export interface AtomContext {
  /** Where the file is published (its self link must say so). */
  readonly url: string;
  /** Every feed this site publishes (absolute): a <source> never names one of them. */
  readonly ownFeeds: ReadonlySet<string>;
}

/** The validator's warnings and errors for one Atom document; empty when it would pass clean. */
export function atomProblems(xml: string, context: AtomContext): string[] {
  const problems: string[] = [];
  const doc = parseXml(xml) as { feed?: Record<string, unknown> };
  const feed = doc.feed;
  if (!feed) return ['Not an Atom 1.0 feed'];
  const required = (node: Record<string, unknown>, where: string, names: readonly string[]) => {
    for (const name of names) {
      if (!(name in node)) problems.push(`${where}: Missing ${where === 'source' ? 'source ' : ''}element: ${name}`);
    }
  };
  const text = (node: Node, where: string) => {
    if (node !== undefined && textOf(node).trim() === '') problems.push(`${where}: Missing textual content`);
  };
  const date = (node: Node, where: string) => {
    if (node !== undefined && !RFC3339.test(textOf(node))) problems.push(`${where}: not an RFC 3339 date-time: ${textOf(node)}`);
  };

  required(feed, 'feed', ['id', 'title', 'updated']);
  text(feed.title as Node, 'feed title');
  text(feed.subtitle as Node, 'feed subtitle');
  date(feed.updated as Node, 'feed updated');
  const self = links(feed).filter((link) => link['@rel'] === 'self');
  if (self.length !== 1 || self[0]?.['@href'] !== context.url) problems.push(`feed: Self reference doesn't match document location (${self[0]?.['@href']})`);

  const entries = (feed.entry as Array<Record<string, unknown>> | undefined) ?? [];
  const ids = new Set<string>();
  const updates = new Map<string, string>();
  for (const entry of entries) {
    const id = textOf(entry.id);
    const where = `entry ${id}`;
    required(entry, where, ['id', 'title', 'updated']);
    if (ids.has(id)) problems.push(`${where}: Two entries with the same id`);
    ids.add(id);
    text(entry.title as Node, `${where} title`);
    text(entry.summary as Node, `${where} summary`);
    text(entry.content as Node, `${where} content`);
    date(entry.updated as Node, `${where} updated`);
    date(entry.published as Node, `${where} published`);
    const updated = textOf(entry.updated);
    // The validator compares the instants, whatever their spelling.
    const instant = String(Date.parse(updated));
    const other = updates.get(instant);
    if (other !== undefined) problems.push(`${where}: Two entries with the same value for atom:updated (${other})`);
    updates.set(instant, id);
    if (!('author' in entry) && !('author' in feed)) problems.push(`${where}: Missing entry element: author`);
    else if ('author' in entry) text((entry.author as Record<string, unknown>).name as Node, `${where} author name`);
    if (!('content' in entry) && !links(entry).some((link) => (link['@rel'] ?? 'alternate') === 'alternate')) {
      problems.push(`${where}: An entry with no content must have an alternate link`);
    }
    const source = entry.source as Record<string, unknown> | undefined;
    if (source !== undefined) {
      required(source, 'source', ['id', 'title', 'updated']);
      text(source.title as Node, `${where} source title`);
      date(source.updated as Node, `${where} source updated`);
      for (const link of links(source)) {
        if (link['@rel'] === 'self' && context.ownFeeds.has(link['@href'] ?? '')) {
          problems.push(`${where}: source self link names this site's own feed ${link['@href']}`);
        }
      }
    }
  }
  return problems;
}
