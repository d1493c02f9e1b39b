import type { RunProblem } from './run-data.ts';

export interface JsonLine {
  line: number;
  value: unknown;
}

/**
 * Parses JSON Lines, keeping each record's 1-based line number. A line that is not JSON (say,
 * half-written when a run crashed) becomes a problem naming the file and line; the rest is kept.
 */
export function parseJsonLines(text: string, file: string): { lines: JsonLine[]; problems: RunProblem[] } {
  const lines: JsonLine[] = [];
  const problems: RunProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '') return;
    try {
      lines.push({ line: index + 1, value: JSON.parse(trimmed) });
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      problems.push({ file, line: index + 1, message: `not valid JSON, skipped (${reason})` });
    }
  });
  return { lines, problems };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
