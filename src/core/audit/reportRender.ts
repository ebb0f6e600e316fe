// Renders the trust report as Markdown or as a self-contained HTML page. Every string that came from
// a model or a user is escaped. Charts:
// - HTML: inline <svg> that inherits the page's text colour; the page follows prefers-color-scheme.
// - Markdown, 'inline' (default, for a report printed to stdout): each chart is an HTML
//   <img src="data:image/svg+xml;base64,…">. VS Code's Markdown preview renders it (its strict CSP
//   allows data: images; markdown-it rejects ![](data:image/svg+xml…) links, hence the <img> tag).
//   GitHub strips data: URIs and inline <svg>, so on GitHub these charts do not show.
// - Markdown, 'files' (what `report --out x.md` uses): each chart is written as an .svg file and
//   linked with ![alt](dir/file.svg), which GitHub and VS Code both render. Standalone SVGs carry
//   their own prefers-color-scheme colours.
import type { TrustReport } from './reportTypes';
import { escapeMarkdown, escapeXml } from './escape';
import { reportCharts, type Chart } from './reportCharts';
import { reportBlocks, type Block } from './reportLayout';

export interface MarkdownOptions {
  charts?: 'inline' | 'files' | 'none';
  /** Link prefix for 'files' (relative to the Markdown file), e.g. "report-charts". */
  chartDir?: string;
}

export interface RenderedMarkdown {
  text: string;
  /** Chart files to write under chartDir in 'files' mode. */
  files: { name: string; svg: string }[];
}

const linkPath = (p: string) => encodeURI(p).replace(/\(/g, '%28').replace(/\)/g, '%29');

export function renderMarkdown(r: TrustReport, o: MarkdownOptions = {}): RenderedMarkdown {
  const mode = o.charts ?? 'inline';
  const charts = reportCharts(r, { standalone: true });
  const files: RenderedMarkdown['files'] = [];
  const lines: string[] = [];
  const cell = (s: string) => escapeMarkdown(s) || ' ';
  for (const b of reportBlocks(r, charts)) {
    switch (b.kind) {
      case 'h':
        lines.push(`${'#'.repeat(b.level)} ${escapeMarkdown(b.text)}`, '');
        break;
      case 'p':
        lines.push(escapeMarkdown(b.text), '');
        break;
      case 'warn':
        lines.push(`> **Warning:** ${escapeMarkdown(b.text)}`, '');
        break;
      case 'list':
        lines.push(...b.items.map((i) => `- ${escapeMarkdown(i)}`), '');
        break;
      case 'table':
        lines.push(`| ${b.head.map(cell).join(' | ')} |`, `|${b.head.map(() => ' --- ').join('|')}|`);
        for (const row of b.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
        lines.push('');
        break;
      case 'chart':
        if (mode === 'none') break;
        if (mode === 'files') {
          files.push({ name: b.chart.file, svg: b.chart.svg });
          const href = linkPath(o.chartDir ? `${o.chartDir.replace(/\/+$/, '')}/${b.chart.file}` : b.chart.file);
          lines.push(`![${escapeMarkdown(b.chart.title)}](${href})`, '');
        } else {
          const data = Buffer.from(b.chart.svg, 'utf8').toString('base64');
          lines.push(`<img alt="${escapeXml(b.chart.title)}" src="data:image/svg+xml;base64,${data}">`, '');
        }
        break;
    }
  }
  return { text: lines.join('\n'), files };
}

export const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #656d76; --line: #d0d7de; --warn-bg: #fff8c5; --warn-line: #d4a72c; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --warn-bg: #3b2e00; --warn-line: #9e6a03; }
}
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); max-width: 1000px; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { line-height: 1.25; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .3em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td { font-variant-numeric: tabular-nums; } th { font-weight: 600; }
.warn { background: var(--warn-bg); border-left: 4px solid var(--warn-line); padding: .5em .75em; margin: .5em 0; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
.meta { color: var(--muted); }
`;

function htmlBlock(b: Block): string {
  switch (b.kind) {
    case 'h':
      return `<h${b.level}>${escapeXml(b.text)}</h${b.level}>`;
    case 'p':
      return `<p>${escapeXml(b.text)}</p>`;
    case 'warn':
      return `<div class="warn" role="note"><strong>Warning:</strong> ${escapeXml(b.text)}</div>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeXml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return (
        `<table><thead><tr>${b.head.map((h) => `<th scope="col">${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>` +
        b.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('') +
        '</tbody></table>'
      );
    case 'chart':
      return `<figure>${b.chart.svg}</figure>`;
  }
}

/** A self-contained HTML page. Its CSP allows no scripts and no external loads. */
export function renderHtml(r: TrustReport): string {
  const charts: { groups: Chart[][]; agreement: Chart[] } = reportCharts(r, { standalone: false });
  const body = reportBlocks(r, charts).map(htmlBlock).join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta name="color-scheme" content="light dark"><title>${escapeXml(`Image Triage trust report${r.folder ? `: ${r.folder}` : ''}`)}</title>` +
    `<style>${CSS}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

export function renderJson(r: TrustReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
