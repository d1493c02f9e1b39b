import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TraceMap, eachMapping, originalPositionFor } from '@jridgewell/trace-mapping';

/**
 * Source maps of compiled code on disk (`tsc --sourceMap`, a bundler's `.js.map`, an inline
 * `data:` map), so that a location in `dist/server.js` is given in `src/server.ts`, the file a
 * developer edits. Only the map the compiled file itself names (its last `sourceMappingURL`
 * comment) is used; a map that cannot be read or parsed is as good as none.
 */
const MAPPING_URL = /\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/)?\s*$/;

export function loadSourceMap(path: string, text: string): TraceMap | null {
  const tail = text.slice(-64 * 1024).trimEnd();
  const lastLine = tail.slice(tail.lastIndexOf('\n') + 1);
  const url = MAPPING_URL.exec(lastLine)?.[1];
  if (!url) return null;
  try {
    if (url.startsWith('data:')) {
      const comma = url.indexOf(',');
      const meta = url.slice(5, comma);
      const body = url.slice(comma + 1);
      const json = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
      return new TraceMap(json, pathToFileURL(path).href);
    }
    const mapPath = url.startsWith('file://') ? fileURLToPath(url) : resolvePath(dirname(path), decodeURIComponent(url));
    return new TraceMap(readFileSync(mapPath, 'utf8'), pathToFileURL(mapPath).href);
  } catch {
    return null;
  }
}

export interface OriginalPosition {
  path: string;
  line: number;
  column: number;
  /** The identifier's name in the original, when the map records it (a minifier's `i` is `quotesBySku`). */
  name: string | null;
}

/** A path inside an installed package: code that is not the developer's to change. */
export function inPackage(path: string): boolean {
  return /(?:^|[/\\])node_modules[/\\]/.test(path);
}

/**
 * The files a map says the compiled file was made from that are on disk and not a package's
 * (`node_modules`): the developer's own modules of a bundle, or the one source of a file tsc compiled.
 */
export function originalFiles(map: TraceMap): string[] {
  const out = new Set<string>();
  for (const source of map.resolvedSources) {
    const path = source.startsWith('file://') ? fileURLToPath(source) : source;
    if (!inPackage(path) && existsSync(path)) out.add(path);
  }
  return [...out];
}

/** The original position of a 1-based (line, column) of the compiled file, or null when unmapped. */
export function originalPosition(map: TraceMap, line: number, column: number): OriginalPosition | null {
  const pos = originalPositionFor(map, { line, column: column - 1 });
  if (pos.source === null || pos.line === null || pos.column === null) return null;
  const path = pos.source.startsWith('file://') ? fileURLToPath(pos.source) : pos.source;
  // A package that ships its maps but not its sources (`../src/index.ts`): the compiled file is
  // the one there is to open.
  if (!existsSync(path)) return null;
  return { path, line: pos.line, column: pos.column + 1, name: pos.name };
}

/**
 * For each identifier of the compiled code, the names the map gives its occurrences in the
 * original (a minifier's `n` is `audit`). A minifier gives one letter to many variables of a
 * file, so a letter may stand for several names: the caller gives a name back only when there
 * is one.
 */
export function originalIdentifiers(map: TraceMap, text: string): Map<string, Set<string>> {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const identifier = /[A-Za-z_$][\w$]*/y;
  const names = new Map<string, Set<string>>();
  eachMapping(map, (m) => {
    if (!m.name) return;
    identifier.lastIndex = (lineStarts[m.generatedLine - 1] ?? text.length) + m.generatedColumn;
    const generated = identifier.exec(text)?.[0];
    if (!generated) return;
    let set = names.get(generated);
    if (!set) names.set(generated, (set = new Set()));
    set.add(m.name);
  });
  return names;
}

