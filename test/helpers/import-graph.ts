/**
 * The import graph of a source tree and the two rules DESIGN.md sets on it: no file-level cycles
 * among value imports, and nothing in src/core that needs Node or code above the core. Pure
 * functions over file texts, so the architecture test can run them on planted trees too.
 */
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

/** One import or re-export of a file: its specifier, and whether it is erased when compiled. */
export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

/**
 * The static imports and re-exports of a TypeScript source. `import type`, `export type` and
 * imports whose every name is marked `type` are erased by the compiler, so they are type-only;
 * side-effect imports (`import './x.js'`) and `export *` are value imports.
 */
export function importsOf(source: string, fileName = 'file.ts'): ImportRef[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)));
      out.push({ specifier: statement.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const clause = statement.exportClause;
      const typeOnly =
        statement.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier: statement.moduleSpecifier.text, typeOnly });
    }
  }
  return out;
}

/**
 * The file a relative specifier names, among `files` (paths relative to the tree's root, with `/`):
 * `./x.js` is the source `./x.ts` (NodeNext resolution). Null for packages and built-ins.
 */
export function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const candidate of [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts')])
    if (files.has(candidate)) return candidate;
  return null;
}

/** The value-import edges of a tree (`sources`: path → text), and the relative imports that name no file. */
export function valueImportGraph(sources: ReadonlyMap<string, string>): {
  edges: Map<string, string[]>;
  unresolved: string[];
} {
  const files = new Set(sources.keys());
  const edges = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const [path, text] of sources) {
    const targets: string[] = [];
    for (const ref of importsOf(text, path)) {
      const target = resolveImport(path, ref.specifier, files);
      if (target === null) {
        if (ref.specifier.startsWith('.')) unresolved.push(`${path} imports ${ref.specifier}`);
      } else if (!ref.typeOnly) targets.push(target);
    }
    edges.set(path, targets);
  }
  return { edges, unresolved };
}

/** A group of files that import one another, and one cycle through them. */
export interface ImportCycle {
  /** Every file of the group (strongly connected), sorted. */
  files: string[];
  /** A shortest cycle from the group's first file back to itself: `[a, b, c, a]`. */
  path: string[];
}

/** Every import cycle: one per group of files that import one another (Tarjan's algorithm). */
export function importCycles(edges: ReadonlyMap<string, readonly string[]>): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (edges.get(v) ?? []).includes(v)) groups.push(group.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return groups
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map((files) => ({ files, path: shortestCycle(files, edges) }));
}

/** How a test failure shows a cycle: the path, and the whole group where it is larger. */
export function describeCycle({ files, path }: ImportCycle): string {
  const shown = path.join(' -> ');
  return files.length > path.length - 1 ? `${shown} (one of the cycles among ${files.join(', ')})` : shown;
}

/** A shortest path from the group's first file back to it, through files of the group only. */
function shortestCycle(group: string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const start = group[0];
  const members = new Set(group);
  const parent = new Map<string, string>();
  const queue = [start];
  for (let at = 0; at < queue.length; at++) {
    const v = queue[at];
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = parent.get(u)) path.push(u);
        return [start, ...path.slice(1).reverse(), start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...group, start];
}

/**
 * Imports in `coreDir` that break its isolation: Node built-ins (`node:fs`, or `fs` by bare name)
 * and files of the tree outside `coreDir` (src/node, src/cli, ...). Type-only imports count too:
 * the core's types must not name Node's either.
 */
export function coreViolations(sources: ReadonlyMap<string, string>, coreDir: string): string[] {
  const files = new Set(sources.keys());
  const prefix = coreDir.endsWith('/') ? coreDir : `${coreDir}/`;
  const out: string[] = [];
  for (const [path, text] of sources) {
    if (!path.startsWith(prefix)) continue;
    for (const { specifier } of importsOf(text, path)) {
      if (isBuiltin(specifier)) out.push(`${path} imports the Node built-in "${specifier}"`);
      const target = resolveImport(path, specifier, files);
      if (target !== null && !target.startsWith(prefix))
        out.push(`${path} imports ${target}, which is outside ${coreDir}`);
    }
  }
  return out;
}

/**
 * What loading `start` loads before any of its code runs: the files reached through value imports
 * (dynamic `import()` is not followed) and the npm packages they name (`@scope/name` or `name`).
 */
export function valueImportClosure(
  sources: ReadonlyMap<string, string>,
  start: string,
): { files: Set<string>; packages: Set<string> } {
  const names = new Set(sources.keys());
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const ref of importsOf(sources.get(file) ?? '', file)) {
      if (ref.typeOnly) continue;
      const target = resolveImport(file, ref.specifier, names);
      if (target !== null) visit(target);
      else if (!ref.specifier.startsWith('.') && !isBuiltin(ref.specifier))
        packages.add(
          ref.specifier
            .split('/')
            .slice(0, ref.specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(start);
  return { files, packages };
}
