import type { Block, Inline, PostmortemDocument } from './document.ts';
import { HTML_STYLE } from './html-style.ts';

/**
 * The postmortem as one self-contained HTML file: inline CSS and inline SVG charts, no script,
 * no external resource of any kind, so it opens offline from disk and prints cleanly.
 */
export function renderHtml(doc: PostmortemDocument): string {
  const body = [
    `<h1>${esc(doc.title)}</h1>`,
    `<p class="subtitle">${inlines(doc.subtitle)}</p>`,
    ...doc.notices.map((b) => renderBlock(b, doc)),
    `<nav class="toc" aria-label="Sections"><ol>${doc.sections.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a></li>`).join('')}</ol></nav>`,
    ...doc.sections.map(
      (s) => `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${s.blocks.map((b) => renderBlock(b, doc)).join('\n')}\n</section>`,
    ),
  ].join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(doc.title)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    `<main>\n${body}\n</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderBlock(block: Block, doc: PostmortemDocument): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${inlines(block.text)}</p>`;
    case 'subheading':
      return `<h3>${esc(block.text)}</h3>`;
    case 'list':
      return `<ul>${block.items.map((i) => `<li>${inlines(i)}</li>`).join('')}</ul>`;
    case 'tasks':
      return `<ul class="tasks">${block.items.map((i) => `<li>${inlines(i)}</li>`).join('')}</ul>`;
    case 'timeline':
      return `<ol class="timeline">${block.items
        .map((i) => `<li class="t-${esc(i.type)}"><time>${esc(i.time)}${i.date ? ` <small>${esc(i.date)}</small>` : ''}</time><span>${inlines(i.text)}</span></li>`)
        .join('')}</ol>`;
    case 'table':
      return `<table><thead><tr>${block.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${block.rows
        .map((r) => `<tr>${r.map((c) => `<td>${inlines(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'code-pair':
      return `<div class="code-pair">${block.panes
        .map((p, i) => `<figure class="${i === 0 ? 'leaky' : 'fixed'}"><figcaption>${inlines(p.title)}</figcaption><pre><code class="language-${esc(p.language)}">${esc(p.code)}</code></pre></figure>`)
        .join('')}</div>`;
    case 'notice':
      return `<div class="notice ${block.tone}" role="note"><strong class="tag">${block.tone === 'missing' ? 'Missing' : 'Warning'}</strong>${inlines(block.text)}</div>`;
    case 'chart': {
      const chart = doc.charts.find((c) => c.id === block.chartId);
      if (!chart) return '';
      return `<figure class="chart" id="chart-${esc(chart.id)}" aria-label="${esc(chart.title)}">${stripXmlProlog(chart.svg)}<figcaption><strong>${esc(chart.title)}.</strong> ${esc(chart.description)}</figcaption></figure>`;
    }
  }
}

function inlines(text: Inline[]): string {
  return text
    .map((i) => {
      if (typeof i === 'string') return esc(i);
      if ('code' in i) return `<code>${esc(i.code)}</code>`;
      if ('strong' in i) return `<strong>${esc(i.strong)}</strong>`;
      return `<a href="${esc(i.href)}">${esc(i.link)}</a>`;
    })
    .join('');
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}
