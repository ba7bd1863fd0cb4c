// The story veille was born from, end to end through the store: AIhub's English recap and the
// French blog post that links back to it, grouped by the cluster stage (items.story_id), appear
// in the issue once, in French, with both sources and both themes (DESIGN.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { groupStoredStories } from '../../src/app/group-stored-stories.js';
import { runCli } from '../helpers/cli.js';
import { makeDigestProject, NOW, WEEK, type DigestProject } from './digest-fixture.js';

let project: DigestProject;
afterEach(() => project?.cleanup());

describe('a story told by two sources, grouped by the cluster stage', () => {
  it('appears once, in French, under Apprentissage fédéré, also Open source, with both sources', async () => {
    project = makeDigestProject();
    const store = Store.open(join(project.dir, 'data/veille.db'));
    groupStoredStories(store, new Date(NOW));
    store.close();

    const result = await runCli(['digest', '--config', project.configFile], { env: { VEILLE_NOW: NOW } });
    expect(result.code, result.stderr).toBe(0);
    const feed = JSON.parse(readFileSync(join(project.dir, 'public/digest.json'), 'utf8')) as { items: Array<{ id: string; content_html: string }> };
    expect(feed.items[0]?.id).toBe(`urn:veille:digest:${WEEK}`);
    const content = feed.items[0]?.content_html ?? '';
    expect(content).toContain('<p>3 articles cette semaine\u202F: open source, apprentissage fédéré,');
    expect(content.match(/atelier FLUID<\/a>/g)).toHaveLength(1);
    expect(content).not.toContain('a recap of two AAAI 2025 workshops');
    const story = content.slice(content.indexOf('<h2>Apprentissage fédéré</h2>'), content.indexOf('</section>'));
    expect(story).toContain('<a href="https://example.org/aihub-aaai">AIhub</a> et <a href="https://example.org/blog-fluid">Le blog de l’IA ouverte</a>');
    expect(story).toContain('Aussi\u202F: Open source et Événements et conférences');
    expect(content).not.toContain('<h2>Open source</h2>');
  });
});
