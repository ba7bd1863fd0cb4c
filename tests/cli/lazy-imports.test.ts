// A one-shot command loads only what it uses (issue 15): src/cli/main.ts imports each command's
// modules when that command runs. Read from the sources with the TypeScript parser: the static
// imports that stay at run time (type-only ones are erased), followed from file to file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The specifiers of `file`'s static imports and re-exports that are kept in the JavaScript. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/** Everything loaded with `entries` (repository paths): src/ files, and packages by name. */
function loadedWith(entries: readonly string[]): Set<string> {
  const loaded = new Set<string>();
  const queue = entries.map((entry) => join(ROOT, entry));
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const name = relative(ROOT, file).split(sep).join('/');
    if (loaded.has(name)) continue;
    loaded.add(name);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (existsSync(target)) queue.push(target);
      } else if (!specifier.startsWith('node:')) {
        loaded.add(`package:${specifier.split('/')[0]}`);
        loaded.add(`module:${specifier}`);
      }
    }
  }
  return loaded;
}

describe('what a one-shot command loads', () => {
  it('veille --help and --version load the commands table, the output, the version and the did-you-mean helper only', () => {
    const loaded = [...loadedWith(['src/cli/main.ts'])];
    expect(loaded.filter((name) => !/^src\/(cli\/(main|commands|output)|domain\/[\w-]+|system\/(version|did-you-mean))\.ts$/.test(name))).toEqual([]);
  });

  it('veille run loads neither the mailer, the digest, the web server, the worker, the feed parser (run on the threads), the HTML parser (loaded by the first HTML read), the OPML parser (by the first OPML read), the site renderers (by the first publish that renders), nor the article extractor (loaded by the first page a run extracts)', () => {
    // What runOnce imports in src/cli/main.ts, with main itself.
    const loaded = loadedWith([
      'src/cli/main.ts',
      'src/config/load-config.ts',
      'src/system/clock.ts',
      'src/app/app.ts',
      'src/app/cycle.ts',
      'src/worker/process-pool.ts',
      'src/system/logger.ts',
    ]);
    const unused = [...loaded].filter((name) =>
      /^(src\/(email|digest|parse|extract\/(?!teaser))|src\/worker\/worker\.ts|src\/publish\/(server|publish-site)\.ts|src\/cli\/(?!main|commands|output)|package:(nodemailer|rss-parser|linkedom|@mozilla\/readability|htmlparser2|fast-xml-parser)$)/.test(name),
    );
    expect(unused).toEqual([]);
    expect(loaded.has('src/app/pipeline.ts')).toBe(true);
  });

  it("veille run loads undici's Agent and request, not its index (fetch, WebSocket, caches, mocks: about 90 ms)", () => {
    const loaded = loadedWith(['src/cli/main.ts', 'src/app/app.ts', 'src/app/cycle.ts']);
    expect([...loaded].filter((name) => name.startsWith('module:undici')).sort()).toEqual(['module:undici/lib/api/api-request.js', 'module:undici/lib/dispatcher/agent.js']);
  });

  it('the schedule adapter loads node-cron on first use: a run whose config is kept validated (config-cache.ts) never loads it', () => {
    expect([...loadedWith(['src/schedule/cron.ts'])].filter((name) => name.startsWith('package:'))).toEqual([]);
  });

  it('veille run loads no YAML parser: the config and the taxonomy kept in the data folder need none, and yaml is loaded by the first parse', () => {
    const loaded = loadedWith(['src/cli/main.ts', 'src/config/load-config.ts', 'src/app/app.ts', 'src/app/cycle.ts']);
    expect([...loaded].filter((name) => name === 'package:yaml')).toEqual([]);
  });

  it('veille run loads no zod: the config and the taxonomy kept in the data folder are not validated again, and zod is loaded by the first validation (about 60 ms of a run)', () => {
    const loaded = loadedWith(['src/cli/main.ts', 'src/config/load-config.ts', 'src/app/app.ts', 'src/app/cycle.ts', 'src/worker/process-pool.ts', 'src/system/logger.ts']);
    expect([...loaded].filter((name) => name === 'package:zod')).toEqual([]);
  });
});
