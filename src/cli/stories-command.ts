// `veille stories [--since DATE] [--json]`: the stories with a member published since DATE,
// each with its members, to check how veille grouped the same news across sources.
import { listStories } from '../app/stories.js';
import type { Config } from '../config/load-config.js';
import type { Clock } from '../domain/ports.js';
import { VeilleError } from '../domain/errors.js';
import { formatLocalTime, truncate, type Output } from './output.js';

/** Without --since: the last seven days. */
const DEFAULT_DAYS = 7;

export function runStoriesCommand(config: Config, clock: Clock, output: Output, options: { since?: string; json: boolean }): number {
  const since = parseSince(options.since, clock.now());
  const view = listStories(config, since, clock);
  if (options.json) {
    output.out(`${JSON.stringify({ since: since.toISOString(), stories: view }, null, 2)}\n`);
    return 0;
  }
  const multi = view.filter((story) => story.members.length > 1).length;
  const lines = [`${view.length} ${view.length === 1 ? 'story' : 'stories'} since ${formatLocalTime(since.toISOString(), config.site.timezone)} (${multi} told by several items)`];
  for (const story of view) {
    lines.push('', `${story.guid}${story.members.length > 1 ? `  (${story.members.length} items)` : ''}`);
    for (const member of story.members) {
      lines.push(
        `  ${formatLocalTime(member.publishedAt, config.site.timezone)}  ${truncate(member.source, 24).padEnd(24)}  ${(member.language ?? '-').padEnd(2)}  ${truncate(member.title, 80)}`,
        `  ${' '.repeat(16)}  ${member.link ?? '-'}`,
      );
    }
  }
  output.out(`${lines.join('\n')}\n`);
  return 0;
}

/** A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 time. */
function parseSince(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(now.getTime() - DEFAULT_DAYS * 86_400_000);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new VeilleError('USAGE', `stories: --since "${value}" is not a date (YYYY-MM-DD or ISO 8601)`);
  }
  return date;
}
