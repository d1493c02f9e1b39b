import fs from 'node:fs';
import path from 'node:path';

/** One quoted region of a scenario's source: `// region: leaky` ... `// endregion`. */
export interface SourceRegion {
  variant: 'leaky' | 'fixed';
  /** 1-based lines of the first and last quoted line. */
  startLine: number;
  endLine: number;
  code: string;
}

export type SourceRegions =
  | { ok: true; file: string; leaky: SourceRegion; fixed: SourceRegion }
  | { ok: false; file: string | null; problem: string };

const START = /^\s*\/\/\s*region:\s*(leaky|fixed)\b/;
const END = /^\s*\/\/\s*endregion\b/;

/** Reads the leaky and the fixed code from the scenario's file, as they are, never retyped. */
export function readSourceRegions(repoRoot: string, file: string | undefined): SourceRegions {
  if (!file) return { ok: false, file: null, problem: 'settings.json does not name the scenario\'s source file' };
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(repoRoot, file), 'utf8');
  } catch {
    return { ok: false, file, problem: `${file} cannot be read` };
  }
  const regions = parseRegions(text);
  const leaky = regions.find((r) => r.variant === 'leaky');
  const fixed = regions.find((r) => r.variant === 'fixed');
  if (!leaky || !fixed) {
    return { ok: false, file, problem: `${file} has no complete "// region: ${leaky ? 'fixed' : 'leaky'}" ... "// endregion" block` };
  }
  return { ok: true, file, leaky, fixed };
}

export function parseRegions(text: string): SourceRegion[] {
  const lines = text.split(/\r?\n/);
  const regions: SourceRegion[] = [];
  let open: { variant: 'leaky' | 'fixed'; start: number } | null = null;
  lines.forEach((line, index) => {
    const start = START.exec(line);
    if (start) {
      open = { variant: start[1] as 'leaky' | 'fixed', start: index + 1 };
    } else if (END.test(line) && open) {
      const body = lines.slice(open.start, index);
      regions.push({ variant: open.variant, startLine: open.start + 1, endLine: index, code: dedent(body).join('\n') });
      open = null;
    }
  });
  return regions;
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut).trimEnd());
}
