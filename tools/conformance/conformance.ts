// `npm run conformance`: veille against feedparser's well-formed cases, share of expectations met
// per folder and overall, then what is left by reason. A developer tool: it reads the suite from
// a data folder at run time (argument, or env VEILLE_CONFORMANCE_DATA; default the repository's
// copy in tests/fixtures/security, see its README).

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FEEDPARSER_SUITE_DATA_DIR } from '../repo-paths.js';
import { runVeille, scoreChecks, type CheckResult, type FeedparserCase } from './feedparser-checks.js';

interface Tally {
  met: number;
  policy: number;
  failed: number;
  skipped: number;
  parses: number;
  cases: number;
  crashes: number;
}

function emptyTally(): Tally {
  return { met: 0, policy: 0, failed: 0, skipped: 0, parses: 0, cases: 0, crashes: 0 };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '   –  ' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}

function usage(message: string): never {
  process.stderr.write(
    `conformance: ${message}\n` +
      'usage: npm run conformance [-- DATA_DIR]   (or VEILLE_CONFORMANCE_DATA=DATA_DIR)\n' +
      'DATA_DIR holds feedparser/expectations.json and feedparser/wellformed/ (default tests/fixtures/security).\n',
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const dataDir = resolve(process.argv[2] ?? process.env.VEILLE_CONFORMANCE_DATA ?? FEEDPARSER_SUITE_DATA_DIR);
  const suiteDir = join(dataDir, 'feedparser');
  const expectationsFile = join(suiteDir, 'expectations.json');
  if (!existsSync(expectationsFile)) usage(`${expectationsFile} not found: point DATA_DIR at a copy of feedparser's suite`);

  const cases = (JSON.parse(readFileSync(expectationsFile, 'utf8')) as FeedparserCase[]).filter(
    (c) => c.file.startsWith('wellformed/') && c.checks !== null,
  );
  const byFolder = new Map<string, Tally>();
  const total = emptyTally();
  const failures = new Map<string, { count: number; example: string }>();
  const skips = new Map<string, number>();

  for (const testCase of cases) {
    const folder = testCase.file.split('/')[1] ?? '?';
    const tally = byFolder.get(folder) ?? emptyTally();
    byFolder.set(folder, tally);
    const file = join(suiteDir, testCase.file);
    if (!existsSync(file)) usage(`${file} listed in expectations.json but missing`);
    const view = await runVeille(new Uint8Array(readFileSync(file)), testCase);
    const results: CheckResult[] = scoreChecks(view, testCase.checks ?? []);
    for (const t of [tally, total]) {
      t.cases += 1;
      if (view.feed !== null) t.parses += 1;
      if (view.crash !== null) t.crashes += 1;
    }
    for (const result of results) {
      if (result.field === 'parses') continue; // counted above, not a field expectation
      for (const t of [tally, total]) {
        if (result.status === 'met') t.met += 1;
        else if (result.status === 'met-by-policy') t.policy += 1;
        else if (result.status === 'failed') t.failed += 1;
        else t.skipped += 1;
      }
      if (result.status === 'failed') {
        const key = `${folder}: ${result.reason ?? result.field}`;
        const entry = failures.get(key) ?? {
          count: 0,
          example: `${testCase.file} expected ${JSON.stringify(result.expected)} got ${JSON.stringify(result.actual)}`,
        };
        entry.count += 1;
        failures.set(key, entry);
      } else if (result.status === 'skipped') {
        const key = result.reason ?? result.field;
        skips.set(key, (skips.get(key) ?? 0) + 1);
      }
    }
  }

  const out: string[] = [];
  out.push(`feedparser well-formed suite (${cases.length} cases) from ${suiteDir}`);
  out.push('Scored: the fields veille exposes (feed title/link/language; entry title, link, id, summary, content,');
  out.push('author, dates as instants, categories). Met by policy: equal once veille’s narrower sanitizer');
  out.push('allowlist is applied to feedparser’s expected HTML. Skipped: fields veille does not expose.');
  out.push('');
  out.push('folder            cases parsed   scored    met  policy  failed  skipped   met%  met+policy%');
  const rows = [...byFolder.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [folder, t] of [...rows, ['ALL', total] as const]) {
    const scored = t.met + t.policy + t.failed;
    if (folder === 'ALL') out.push('-'.repeat(92));
    out.push(
      `${folder.padEnd(16)} ${String(t.cases).padStart(6)} ${String(t.parses).padStart(6)} ${String(scored).padStart(8)}` +
        ` ${String(t.met).padStart(6)} ${String(t.policy).padStart(7)} ${String(t.failed).padStart(7)} ${String(t.skipped).padStart(8)}` +
        `  ${percent(t.met, scored)}  ${percent(t.met + t.policy, scored)}`,
    );
  }
  const withoutSanitize = emptyTally();
  for (const [folder, t] of rows) {
    if (folder === 'sanitize') continue;
    withoutSanitize.met += t.met;
    withoutSanitize.policy += t.policy;
    withoutSanitize.failed += t.failed;
  }
  const scoredNs = withoutSanitize.met + withoutSanitize.policy + withoutSanitize.failed;
  out.push(`ALL but sanitize: ${percent(withoutSanitize.met + withoutSanitize.policy, scoredNs)} met (${withoutSanitize.met + withoutSanitize.policy}/${scoredNs})`);
  out.push(`crashes (exceptions other than VeilleError): ${total.crashes}`);
  out.push('');
  out.push('Top failing reasons:');
  for (const [key, { count, example }] of [...failures.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 25)) {
    out.push(`  ${String(count).padStart(4)}  ${key}`);
    out.push(`        e.g. ${example.length > 220 ? `${example.slice(0, 220)}…` : example}`);
  }
  out.push('');
  out.push('Skipped (not exposed by veille), most frequent:');
  for (const [key, count] of [...skips.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    out.push(`  ${String(count).padStart(4)}  ${key}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
