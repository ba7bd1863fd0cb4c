// Which weeks `veille digest` publishes, and taking one back (issue 17, finding 4): a week that has
// not ended in site.timezone is refused (exit 2, naming the last complete week) unless --partial;
// `--withdraw WEEK` takes an issue out of the feeds and pages and keeps its delivery log.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { makeDigestProject, NOW, WEEK, type DigestProject } from './digest-fixture.js';

let project: DigestProject;
afterEach(() => project?.cleanup());

const digest = (...args: string[]) => runCli(['digest', '--config', project.configFile, ...args], { env: { VEILLE_NOW: NOW } });
const read = (path: string) => readFileSync(join(project.dir, 'public', path), 'utf8');
const storedWeeks = () => {
  const store = Store.open(join(project.dir, 'data/veille.db'));
  try {
    return store.digests().listDigests(10).map((row) => row.week);
  } finally {
    store.close();
  }
};

describe('digest --week', () => {
  // NOW is Thursday 26 November 2026: W48 is under way, W47 the last complete week.
  it.each([
    { name: 'the current week', week: '2026-W48', ends: '2026-11-30 00:00' },
    { name: 'a future week', week: '2027-W10', ends: '2027-03-15 00:00' },
  ])('refuses $name with exit 2, naming the last complete week, and publishes nothing', async ({ week, ends }) => {
    project = makeDigestProject();
    const result = await digest('--week', week);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`digest: week ${week} has not ended in Europe/Paris (it ends ${ends}`);
    expect(result.stderr).toContain(`the last complete week is ${WEEK}. --partial builds ${week} as it is now`);
    expect(existsSync(join(project.dir, 'public/digest.xml'))).toBe(false);
  });

  it('builds a week not over yet with --partial, and a complete week without it', async () => {
    project = makeDigestProject();
    expect(await digest('--week', '2026-W48', '--partial')).toMatchObject({ code: 0 });
    expect(await digest('--week', WEEK)).toMatchObject({ code: 0 });
    expect(storedWeeks()).toEqual(['2026-W48', WEEK]);
  });
});

describe('digest --withdraw', () => {
  it('takes the issue out of the digest feeds, its page and the home page, and keeps its delivery log', async () => {
    project = makeDigestProject('email:\n  from: "Veille <veille@example.org>"\n  recipients: [ { address: "lea@example.org" } ]\n  outbox: data/outbox');
    expect(await digest('--send')).toMatchObject({ code: 0 });
    expect(read('digest.xml')).toContain(`${WEEK}.html`);
    expect(existsSync(join(project.dir, `public/digests/${WEEK}.html`))).toBe(true);

    const withdrawn = await digest('--withdraw', WEEK);
    expect(withdrawn).toMatchObject({ code: 0, stderr: '' });
    expect(withdrawn.stdout).toMatch(new RegExp(`^${WEEK}: withdrawn from the digest feeds and pages of .*; its delivery log is kept \\(1 delivery\\)\\n$`));
    for (const file of ['digest.xml', 'digest.atom', 'digest.json', 'index.html', 'digests/index.html']) expect(read(file)).not.toContain(`${WEEK}.html`);
    expect(existsSync(join(project.dir, `public/digests/${WEEK}.html`))).toBe(false);
    expect(storedWeeks()).toEqual([]);
    const store = Store.open(join(project.dir, 'data/veille.db'));
    try {
      expect(store.digests().listDeliveries(WEEK)).toMatchObject([{ recipient: 'lea@example.org', status: 'sent' }]);
    } finally {
      store.close();
    }

    // It stays withdrawn (the scheduled run, `digest --send`) until rebuilt on purpose.
    expect((await digest('--send')).stdout).toContain(`${WEEK}: withdrawn (digest --withdraw)`);
    expect(storedWeeks()).toEqual([]);
    expect(await digest('--week', WEEK, '--force')).toMatchObject({ code: 0 });
    expect(storedWeeks()).toEqual([WEEK]);
  });

  it('refuses a week with no published issue (exit 2)', async () => {
    project = makeDigestProject();
    const result = await digest('--withdraw', WEEK);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain(`digest: --withdraw ${WEEK}: no issue is published for that week (none)`);
  });
});
