// The direction of src/'s imports (issue 14): no circle, domain/ depends on nothing else, and no
// stage reaches into the store. Every .ts file under src/ is read with the TypeScript parser:
// static `import` and `export … from` declarations, type-only ones included.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/** The pipeline's stages: each receives what it needs and never opens the store itself. */
const STAGES = ['clean', 'cluster', 'digest', 'email', 'extract', 'fetch', 'language', 'notify', 'parse', 'publish', 'summarize', 'tag', 'translate', 'websub'];

/**
 * Stage files allowed to import src/store/, and the store module each imports: none since the
 * store's types moved to domain/ (issue 14). An entry is a regression to name and justify; the
 * test also fails on an entry that is no longer needed.
 */
const STORE_IMPORTS_ALLOWED: ReadonlyMap<string, readonly string[]> = new Map([]);

/** File (relative to the repository, with /) → its import specifiers. */
function readImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false);
    const specifiers: string[] = [];
    for (const statement of source.statements) {
      if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        specifiers.push(statement.moduleSpecifier.text);
      }
    }
    graph.set(toRepoPath(path), specifiers);
  }
  return graph;
}

function toRepoPath(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

/** A relative specifier as the file it names ('./x.js' → 'src/…/x.ts'); null for a package or a builtin. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return toRepoPath(resolve(ROOT, dirname(from), specifier.replace(/\.js$/, '.ts')));
}

/** File → the src/ files it imports. */
function localGraph(imports: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, specifiers] of imports) {
    const targets = specifiers.map((specifier) => resolveSpecifier(file, specifier)).filter((target): target is string => target !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle in the graph, each as its files in import order, the first repeated at the end. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  // Iterative depth-first search: a deep chain of imports cannot overflow the call stack.
  for (const start of [...graph.keys()].sort()) {
    if (state.has(start)) continue;
    const frames: { file: string; next: number }[] = [{ file: start, next: 0 }];
    state.set(start, 'open');
    stack.push(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const targets = graph.get(frame.file) ?? [];
      if (frame.next >= targets.length) {
        state.set(frame.file, 'done');
        stack.pop();
        frames.pop();
        continue;
      }
      const target = targets[frame.next]!;
      frame.next += 1;
      if (state.get(target) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(target)), target]);
      } else if (!state.has(target) && graph.has(target)) {
        state.set(target, 'open');
        stack.push(target);
        frames.push({ file: target, next: 0 });
      }
    }
  }
  return cycles;
}

const imports = readImports();
const graph = localGraph(imports);

describe('src/ imports', () => {
  it('reads the tree (a sanity check of the reader itself)', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/app/pipeline.ts')).toContain('src/fetch/fetch-feed.ts');
    // Type-only imports count: a circle through types is still a circle for a reader.
    expect(graph.get('src/fetch/http-client.ts')).toContain('src/fetch/fetch-error.ts');
    for (const [file, targets] of graph) {
      for (const target of targets) expect(imports.has(target), `${file} imports ${target}, which is not a .ts file under src/`).toBe(true);
    }
  });

  it('finds a circle when there is one (the check itself)', () => {
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCycles(circle)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('form no circle', () => {
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keep domain/ free of everything outside domain/ (node: builtins aside)', () => {
    const outside: string[] = [];
    for (const [file, specifiers] of imports) {
      if (!file.startsWith('src/domain/')) continue;
      for (const specifier of specifiers) {
        const target = resolveSpecifier(file, specifier);
        const allowed = target === null ? specifier.startsWith('node:') : target.startsWith('src/domain/');
        if (!allowed) outside.push(`${file} → ${target ?? specifier}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('keep the stages out of src/store/ (beyond the imports listed, which only shrink)', () => {
    const found = new Map<string, string[]>();
    for (const [file, targets] of graph) {
      if (!STAGES.some((stage) => file.startsWith(`src/${stage}/`))) continue;
      const store = targets.filter((target) => target.startsWith('src/store/')).sort();
      if (store.length > 0) found.set(file, store);
    }
    const unlisted = [...found].flatMap(([file, store]) =>
      store.filter((target) => !(STORE_IMPORTS_ALLOWED.get(file) ?? []).includes(target)).map((target) => `${file} → ${target}`),
    );
    expect(unlisted, 'a stage receives what it reads and writes (a port in domain/), it does not import the store').toEqual([]);
    const stale = [...STORE_IMPORTS_ALLOWED].flatMap(([file, store]) =>
      store.filter((target) => !(found.get(file) ?? []).includes(target)).map((target) => `${file} → ${target}`),
    );
    expect(stale, 'these imports are gone: remove them from STORE_IMPORTS_ALLOWED').toEqual([]);
  });

  // domain ← stages ← app ← worker and cli (STYLE.md): nothing imports a layer above its own.
  it.each([
    ['a stage', (file: string) => STAGES.some((stage) => file.startsWith(`src/${stage}/`)), ['src/app/', 'src/worker/', 'src/cli/']],
    ['the store, config and system helpers', (file: string) => /^src\/(store|config|system|schedule)\//.test(file), ['src/app/', 'src/worker/', 'src/cli/']],
    ['a use case (app/)', (file: string) => file.startsWith('src/app/'), ['src/worker/', 'src/cli/']],
    ['the runtime (worker/)', (file: string) => file.startsWith('src/worker/'), ['src/cli/']],
  ])('let %s import no layer above it', (_name, inLayer, above) => {
    const upward = [...graph].flatMap(([file, targets]) =>
      inLayer(file) ? targets.filter((target) => above.some((folder) => target.startsWith(folder))).map((target) => `${file} → ${target}`) : [],
    );
    expect(upward).toEqual([]);
  });
});
