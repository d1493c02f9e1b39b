/** Small formatting helpers shared by the summary and the renderers. */
export function formatBytes(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  if (abs < 1024) return `${sign}${Math.round(abs)} B`;
  if (abs < 1024 * 1024) return `${sign}${(abs / 1024).toFixed(1)} KB`;
  if (abs < 1024 * 1024 * 1024) return `${sign}${(abs / 1024 / 1024).toFixed(1)} MB`;
  return `${sign}${(abs / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** Text on one line, cut to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** A property as code shows it: V8's `<symbol cache>` is the key `[Symbol(cache)]`, as util.inspect prints it. */
export function propertyLabel(edge: string): string {
  const symbol = /^<symbol (.*)>$/s.exec(edge);
  return symbol ? `[Symbol(${symbol[1]})]` : edge;
}

/** Items as a sentence lists them: `a`, `a and b`, `a, b and c`. */
export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A key or text as a developer writes it in code: `'all'`. */
export function quoteKey(key: string): string {
  return `'${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function signed(n: number, fmt: (x: number) => string = String): string {
  return n >= 0 ? `+${fmt(n)}` : fmt(n);
}

export function where(loc: { file: string; line: number; column: number; approximate?: boolean } | null): string {
  if (!loc) return 'unknown location';
  return `${loc.file}:${loc.line}:${loc.column}${loc.approximate ? ' (approximate)' : ''}`;
}

/** A retainer step's edge type as a reader says it: V8's `context` edge is a closure variable. */
export function edgeKind(edgeType: string): string {
  return edgeType === 'context' ? 'variable' : edgeType;
}

/** One retainer step: `edge (kind) node [type]`, the parts a step lacks left out (a path's start has no edge). */
export function stepText(p: { edge: string; edgeType: string; node: string; nodeType: string; repeat?: number; period?: number }, times = 'x'): string {
  const edge = p.edge ? `${p.edge} (${edgeKind(p.edgeType)}) ` : '';
  const unit = p.period && p.period > 1 ? `, with the ${p.period === 2 ? 'step' : `${p.period - 1} steps`} before it` : '';
  return `${edge}${p.node} [${p.nodeType}]${p.repeat ? `  ${times}${p.repeat} in a row${unit}` : ''}`;
}
