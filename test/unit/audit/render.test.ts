import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, type ReportImage } from '../../../src/core/audit/report';
import { renderHtml, renderJson, renderMarkdown } from '../../../src/core/audit/reportRender';
import { barChart, columnChart, heatmap } from '../../../src/core/audit/charts';
import { escapeMarkdown, escapeXml } from '../../../src/core/audit/escape';
import { done, pred, review, sidecar } from './fixtures';

const EVIL = '<img src=x onerror=alert(1)>';
const CATS = [EVIL, 'dog'];

/** Two images: one hallucinated, one accurate; both reviewed; the hostile name is a category and a checkpoint. */
function hostileReport() {
  const images: ReportImage[] = [
    {
      relPath: 'a.png',
      sidecar: sidecar('a.png', {
        preds: [pred({ top: EVIL, categories: CATS, checkpoint: `ck${EVIL}` }), pred({ classifier: 'zero-shot', top: EVIL, categories: CATS, scores: { [EVIL]: 0.3, dog: 0.7 } })],
        review: review('accepted', [EVIL], { classifier: 'vlm', labels: [EVIL], checkpoint: `ck${EVIL}` }),
        audit: [done({ verdict: 'hallucinated', predicted_labels: [EVIL], checkpoint: `ck${EVIL}`, category_correct: true })],
      }),
    },
    {
      relPath: 'b|*_[x].png',
      sidecar: sidecar('b.png', {
        preds: [pred({ top: 'dog', categories: CATS, checkpoint: `ck${EVIL}` }), pred({ classifier: 'zero-shot', top: 'dog', categories: CATS, scores: { [EVIL]: 0.1, dog: 0.9 } })],
        review: review('overridden', [EVIL], { classifier: 'vlm', labels: ['dog'], checkpoint: `ck${EVIL}` }),
        audit: [done({ verdict: 'accurate', predicted_labels: ['dog'], checkpoint: `ck${EVIL}`, category_correct: false, correct_category: EVIL })],
      }),
    },
  ];
  return buildReport(images, { folder: 'f', now: '2026-04-01T00:00:00.000Z' });
}

test('escaping helpers', () => {
  assert.equal(escapeXml(EVIL), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(escapeXml(`a"b'c&`), 'a&quot;b&#39;c&amp;');
  assert.equal(escapeMarkdown('a|b*c_d[e]`f\\g\nh<i> "q" & ~'), 'a\\|b\\*c\\_d\\[e\\]\\`f\\\\g h&lt;i&gt; "q" &amp; \\~');
});

test('HTML: model-produced strings are escaped, charts are inline SVG, the page follows the colour scheme', () => {
  const html = renderHtml(hostileReport());
  assert.ok(!html.includes(EVIL), 'the raw tag never appears');
  assert.ok(!/<img/i.test(html), 'no <img> element at all');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes("default-src 'none'"), 'a CSP that allows no script');
  assert.match(html, /prefers-color-scheme: dark/);
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  assert.ok(svgs.length >= 4, `charts: ${svgs.length}`);
  for (const s of svgs) {
    assert.match(s, /^<svg[^>]*role="img"[^>]*fill="currentColor"[^>]*><title>[^<]+<\/title>/);
    assert.ok(!s.includes('<style>'), 'inline charts inherit the page colour');
  }
  // The hallucination rate is shown: 1 of 2 judged → 50.0% [9.5%, 90.5%].
  assert.ok(html.includes('50.0% [9.5%, 90.5%]'));
});

test('Markdown: escaped text and tables; charts as data: URI <img> tags, or as linked SVG files', () => {
  const r = hostileReport();
  const inline = renderMarkdown(r);
  const withoutImgs = inline.text.replace(/<img alt="[^"]*" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+">/g, '');
  assert.ok(!withoutImgs.includes('<'), 'no raw HTML besides the chart images');
  assert.ok(inline.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(inline.text.includes('b\\|\\*\\_\\[x\\].png'), 'a path with table/emphasis characters is escaped');
  const imgs = inline.text.match(/src="data:image\/svg\+xml;base64,([^"]+)"/g) ?? [];
  assert.ok(imgs.length >= 4);
  const svg = Buffer.from(imgs[0]!.slice('src="data:image/svg+xml;base64,'.length, -1), 'base64').toString('utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /@media \(prefers-color-scheme: dark\)/, 'a standalone SVG sets its own colours');
  assert.ok(!svg.includes(EVIL));
  assert.deepEqual(inline.files, []);

  const files = renderMarkdown(r, { charts: 'files', chartDir: 'my report-charts' });
  assert.ok(files.files.length >= 4);
  for (const f of files.files) {
    assert.match(f.name, /^[ag]\d+-[a-z]+\.svg$/);
    assert.ok(files.text.includes(`](my%20report-charts/${f.name})`));
    assert.ok(!f.svg.includes(EVIL));
  }
  assert.ok(!files.text.includes('data:image'));
  assert.equal(renderMarkdown(r, { charts: 'none' }).text.includes('!['), false);
});

test('JSON holds the shown numbers as numbers', () => {
  const j = JSON.parse(renderJson(hostileReport()));
  const h = j.groups.find((g: { classifier: string }) => g.classifier === 'vlm').hallucination.hallucinated;
  assert.deepEqual(Object.keys(h).sort(), ['k', 'lower', 'n', 'rate', 'upper']);
  assert.equal(h.rate, 0.5);
  assert.equal(typeof h.lower, 'number');
  assert.equal(typeof h.upper, 'number');
  assert.equal(j.groups[0].classifier, 'zero-shot');
});

test('charts: titles, escaped labels, whiskers, empty values, heatmap colours', () => {
  const bars = barChart(`T ${EVIL}`, [
    { label: EVIL, value: 0.25, lower: 0.071479, upper: 0.590725, note: '2/8' },
    { label: 'empty', value: null },
  ]);
  assert.ok(!bars.includes(EVIL));
  assert.match(bars, /<title>T &lt;img/);
  assert.match(bars, /<title>&lt;img src=x onerror=alert\(1\)&gt;: 25\.0% \[7\.1%, 59\.1%\] \(2\/8\)<\/title>/);
  assert.match(bars, /no data/);
  // Bar width: 25% of a 330 px plot = 82.5 px.
  assert.match(bars, /<rect x="170" y="\d+" width="82.5"/);
  const cols = columnChart('C', [{ name: 'observed', color: '#4e79a7' }, { name: 'healthy', color: '#8c8c8c' }], [{ label: 'high', values: [0.7, 0.3] }]);
  assert.match(cols, /<title>high, observed: 70\.0%<\/title>/);
  const hm = heatmap('H', ['a', EVIL], [[3, 0], [1, 2]], { rows: 'predicted', cols: 'human' });
  assert.ok(!hm.includes(EVIL));
  // Max 3 → full opacity with white text; 0 → a faint cell with currentColor text.
  assert.match(hm, /fill-opacity="1.00"[^>]*\/><text[^>]*fill="#ffffff">3</);
  assert.match(hm, /fill-opacity="0.06"\/><text[^>]*font-size="11">0</);
});
