/**
 * The postmortem as a small document tree: sections build it once, and render-markdown.ts and
 * render-html.ts each turn the same tree into their format, so both say exactly the same things.
 */
export type Inline = string | { code: string } | { strong: string } | { link: string; href: string };

export interface CodePane {
  title: Inline[];
  language: string;
  code: string;
}

export interface TimelineItem {
  /** HH:MM:SS in the run's zone. */
  time: string;
  /** A date shown beside the time when the run crossed midnight. */
  date?: string;
  type: string;
  text: Inline[];
}

export type Block =
  | { kind: 'paragraph'; text: Inline[] }
  | { kind: 'subheading'; text: string }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'tasks'; items: Inline[][] }
  | { kind: 'timeline'; items: TimelineItem[] }
  | { kind: 'table'; head: string[]; rows: Inline[][][] }
  | { kind: 'code-pair'; panes: [CodePane, CodePane] }
  | { kind: 'notice'; tone: 'missing' | 'warning'; text: Inline[] }
  | { kind: 'chart'; chartId: string };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ChartRef {
  id: string;
  title: string;
  /** File name beside the report, e.g. chart-memory.svg. */
  file: string;
  /** A one-line description (alt text). */
  description: string;
  svg: string;
}

export interface PostmortemDocument {
  title: string;
  subtitle: Inline[];
  /** Shown above the first section: data problems and what is missing. */
  notices: Block[];
  sections: Section[];
  charts: ChartRef[];
}

export const code = (text: string): Inline => ({ code: text });
export const strong = (text: string): Inline => ({ strong: text });
export const paragraph = (...text: Inline[]): Block => ({ kind: 'paragraph', text });
export const list = (items: Inline[][]): Block => ({ kind: 'list', items });
export const subheading = (text: string): Block => ({ kind: 'subheading', text });

/** Text from the run, where `backticks` mark code (scenario descriptions, event summaries). */
export function runText(text: string): Inline[] {
  return text.split(/(`[^`\n]+`)/).filter((part) => part !== '').map((part) =>
    part.length > 2 && part.startsWith('`') && part.endsWith('`') ? code(part.slice(1, -1)) : part,
  );
}

/** Free text from the run as a sentence: "the restart only reset it" -> "The restart only reset it." */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** Plain text of inlines (for alt text, tests and headings). */
export function plainText(text: Inline[]): string {
  return text.map((i) => (typeof i === 'string' ? i : 'code' in i ? i.code : 'strong' in i ? i.strong : i.link)).join('');
}
