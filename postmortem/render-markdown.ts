import type { Block, Inline, PostmortemDocument } from './document.ts';

/** The postmortem as Markdown: charts are linked as the .svg files written beside it. */
export function renderMarkdown(doc: PostmortemDocument): string {
  const out: string[] = [`# ${escapeText(doc.title)}`, '', inlines(doc.subtitle), ''];
  for (const block of doc.notices) out.push(...renderBlock(block, doc), '');
  for (const section of doc.sections) {
    out.push(`## ${section.title}`, '');
    for (const block of section.blocks) out.push(...renderBlock(block, doc), '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function renderBlock(block: Block, doc: PostmortemDocument): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [inlines(block.text)];
    case 'subheading':
      return [`### ${escapeText(block.text)}`];
    case 'list':
      return block.items.map((item) => `- ${inlines(item)}`);
    case 'tasks':
      return block.items.map((item) => `- [ ] ${inlines(item)}`);
    case 'timeline':
      return block.items.map((item) => `- ${item.time}${item.date ? ` (${item.date})` : ''} — ${inlines(item.text)}`);
    case 'table':
      return [
        `| ${block.head.map(cell).join(' | ')} |`,
        `| ${block.head.map(() => '---').join(' | ')} |`,
        ...block.rows.map((row) => `| ${row.map((c) => cell(inlines(c))).join(' | ')} |`),
      ];
    case 'code-pair':
      return block.panes.flatMap((pane) => {
        const fence = fenceFor(pane.code);
        return [`**${inlines(pane.title)}**`, '', `${fence}${pane.language}`, pane.code, fence, ''];
      });
    case 'notice':
      return [`> **${block.tone === 'missing' ? 'Missing' : 'Warning'}:** ${inlines(block.text)}`];
    case 'chart': {
      const chart = doc.charts.find((c) => c.id === block.chartId);
      return chart ? [`![${escapeText(chart.title)}: ${escapeText(chart.description)}](${chart.file})`] : [];
    }
  }
}

function inlines(text: Inline[]): string {
  return text
    .map((i) => {
      if (typeof i === 'string') return escapeText(i);
      if ('code' in i) return codeSpan(i.code);
      if ('strong' in i) {
        // CommonMark ignores "** x**" and "**x **": keep the spaces outside the markers.
        const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(i.strong)!;
        return core ? `${lead}**${escapeText(core!)}**${trail}` : i.strong;
      }
      return `[${escapeText(i.link)}](${i.href})`;
    })
    .join('');
}

/** Escapes what Markdown would read as markup inside running text. */
function escapeText(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}

function fenceFor(code: string): string {
  const longest = Math.max(2, ...(code.match(/^`{3,}/gm) ?? []).map((m) => m.length));
  return '`'.repeat(longest + 1);
}

function cell(text: string): string {
  return text.replace(/\n/g, ' ');
}
