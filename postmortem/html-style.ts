/** The report's stylesheet, inlined into the HTML: readable on screen, clean on paper. */
export const HTML_STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #dadce0; --warn: #b3261e; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
.subtitle { color: var(--muted); margin: 0 0 20px; }
h2 { font-size: 1.25rem; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.02rem; margin: 20px 0 6px; }
p { margin: 8px 0; }
code { font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 3px; }
nav.toc { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
nav.toc ol { margin: 4px 0; padding-left: 22px; columns: 2; }
nav.toc a { color: #1a55b0; text-decoration: none; }
.notice { border-left: 4px solid #e8a317; background: #fff8e6; padding: 8px 12px; margin: 10px 0; border-radius: 0 4px 4px 0; }
.notice.missing { border-left-color: var(--warn); background: #fdecea; }
.notice strong.tag { text-transform: uppercase; font-size: 0.78em; letter-spacing: 0.04em; margin-right: 6px; }
ol.timeline { list-style: none; padding: 0; margin: 8px 0; }
ol.timeline li { display: grid; grid-template-columns: 6.2em 1fr; gap: 10px; padding: 3px 0; border-bottom: 1px dotted var(--line); }
ol.timeline time { font-variant-numeric: tabular-nums; font-weight: 600; }
ol.timeline li.t-alert time, ol.timeline li.t-crash time { color: var(--warn); }
ul.tasks { list-style: none; padding-left: 4px; }
ul.tasks li::before { content: "\\2610"; margin-right: 8px; }
table { border-collapse: collapse; margin: 10px 0; width: 100%; font-size: 0.93em; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
.code-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 10px 0; }
.code-pair figure { margin: 0; min-width: 0; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.code-pair figcaption { padding: 6px 10px; font-size: 0.9em; background: var(--soft); border-bottom: 1px solid var(--line); }
.code-pair .leaky figcaption { background: #fdecea; }
.code-pair .fixed figcaption { background: #e6f4ea; }
.code-pair pre { margin: 0; padding: 10px; overflow-x: auto; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.code-pair pre code { background: none; padding: 0; font: inherit; }
figure.chart { margin: 16px 0; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figure.chart figcaption { color: var(--muted); font-size: 0.9em; margin-top: 4px; }
@media screen and (max-width: 760px) { .code-pair { grid-template-columns: 1fr; } nav.toc ol { columns: 1; } }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  figure, table, .notice, ol.timeline li { break-inside: avoid; }
  .code-pair { gap: 6px; }
  .code-pair pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 7pt; padding: 6px; }
  a { color: inherit; text-decoration: none; }
}
`;
