// The dashboard's data and the label-issue filters: the core report built from the session's
// sidecars, suspect labels, near duplicates from a real embedding cache file, and how the webview
// filters and describes them; the trust report export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dashboardData, labelIssues, trustInputs, trustReport } from '../../../src/extension/panel/trustData';
import type { SessionImage } from '../../../src/extension/panel/reviewSession';
import { EmbeddingCache } from '../../../src/classifiers/zeroShot/embeddingCache';
import { applyReview } from '../../../src/core/sidecar';
import { applyVerdict } from '../../../src/core/audit/verdict';
import { reportFormatOf, writeReportFile } from '../../../src/core/audit/reportFiles';
import { applyFilter, DEFAULT_FILTER } from '../../../webview/filters';
import { issueOf, issueRanks, issueSummary } from '../../../webview/labelIssues';
import { prediction, sidecarWith, summary } from './fixtures';

/** red.png (labelled green by a human), blue.png and blue2.png (same picture), green.png. */
function images(): SessionImage[] {
  const mk = (id: string, top: string, sha: string) => {
    const sc = sidecarWith(id, prediction(top, 0.8));
    sc.image.sha256 = sha;
    return { id, path: `/x/${id}`, sidecar: sc };
  };
  const red = mk('red.png', 'red', 'a'.repeat(64));
  red.sidecar = applyReview(red.sidecar, { action: 'label', labels: ['green'] }, { by: 't' });
  const blue = mk('blue.png', 'blue', 'b'.repeat(64));
  blue.sidecar = applyReview(blue.sidecar, { action: 'accept' }, { by: 't' });
  const blue2 = mk('blue2.png', 'blue', 'c'.repeat(64));
  blue2.sidecar = applyReview(blue2.sidecar, { action: 'label', labels: ['red'] }, { by: 't' });
  const green = mk('green.png', 'green', 'd'.repeat(64));
  return [green, red, blue2, blue];
}

async function embeddingsDir(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'it-emb-'));
  const cache = new EmbeddingCache(dir, { model: 'tiny-clip', revision: 'local', dtype: 'fp32' }, 3);
  cache.put('a'.repeat(64), Float32Array.from([1, 0, 0]));
  cache.put('b'.repeat(64), Float32Array.from([0, 0, 1]));
  cache.put('c'.repeat(64), Float32Array.from([0, 0.01, 1]));
  cache.put('d'.repeat(64), Float32Array.from([0, 1, 0]));
  await cache.flush();
  return dir;
}

test('the dashboard holds the core report and its charts; hallucination with its Wilson interval', async () => {
  const imgs = images();
  const verdicts = ['accurate', 'hallucinated', 'partly'] as const;
  imgs.slice(0, 3).forEach((img, i) => (img.sidecar = applyVerdict(img.sidecar!, { verdict: verdicts[i], classifier: 'zero-shot', by: 't' })));
  const t = await trustInputs(imgs, await embeddingsDir());
  assert.deepEqual(t.images.map((i) => i.relPath), ['blue.png', 'blue2.png', 'green.png', 'red.png'], 'in id order');
  const data = dashboardData(await trustReport(t, 'photos', '2025-01-01T00:00:00.000Z'));
  const g = data.report.groups[0];
  assert.equal(data.report.folder, 'photos');
  assert.equal(g.checkpoint, 'tiny-clip');
  assert.equal(g.hallucination.judged, 3);
  assert.equal(g.hallucination.hallucinated.k, 1);
  assert.equal(g.hallucination.hallucinated.rate!.toFixed(3), '0.333');
  assert.equal(g.hallucination.hallucinated.lower!.toFixed(3), '0.061');
  assert.equal(g.hallucination.hallucinated.upper!.toFixed(3), '0.792');
  assert.equal(data.report.near_duplicates?.pairs.length, 1, 'near duplicates from the cached embeddings');
  assert.ok(data.charts.groups[0].length >= 2);
  for (const c of data.charts.groups[0]) {
    assert.match(c.svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.doesNotMatch(c.svg, /<style|<script/, 'inline charts take the page colour, carry no style or script');
  }
});

test('label issues: suspect labels where the model prefers another category; duplicates from embeddings', async () => {
  const t = await trustInputs(images(), await embeddingsDir());
  const issues = await labelIssues(t);
  assert.equal(issues.suspect?.checkpoint, 'tiny-clip');
  assert.equal(issues.suspect?.checked, 3, 'the three reviewed images');
  assert.deepEqual(issues.suspect?.ranked.map((s) => s.id).sort(), ['blue2.png', 'red.png'], 'the accepted blue.png is not suspect');
  assert.equal(issues.duplicates.checkpoint, 'tiny-clip');
  assert.equal(issues.duplicates.embedded, 4);
  assert.equal(issues.duplicates.pairs.length, 1);
  const [p] = issues.duplicates.pairs;
  assert.deepEqual([p.a, p.b, p.different_labels], ['blue.png', 'blue2.png', true]);
  assert.ok(p.cosine > 0.99);
  assert.equal(issues.duplicates.differentLabels, 1);

  // The webview's filter shows exactly those images, in the issue's order.
  const all = t.images.map((i) => summary(i.relPath));
  const shown = (kind: 'suspect' | 'duplicates') => applyFilter(all, { ...DEFAULT_FILTER, issue: kind }, issueRanks(issues, kind)).map((i) => i.id);
  assert.deepEqual(shown('duplicates'), ['blue.png', 'blue2.png']);
  assert.deepEqual(shown('suspect'), issues.suspect!.ranked.map((s) => s.id));
  assert.deepEqual(applyFilter(all, { ...DEFAULT_FILTER, issue: 'suspect' }, null), [], 'nothing while the host has not answered');
  assert.equal(applyFilter(all, DEFAULT_FILTER, issueRanks(issues, '')).length, 4);
  assert.match(issueSummary(issues, 'duplicates'), /^1 near-duplicate pair \(cosine ≥ 0.95, tiny-clip\), 1 cluster, 1 with different human labels; 4 images compared/);
  assert.match(issueSummary(issues, 'suspect'), /^2 suspect labels of 3 reviewed/);
  assert.match(issueOf(issues, 'suspect', 'red.png')!, /labelled green; .* prefers "red"/);
  assert.match(issueOf(issues, 'duplicates', 'blue2.png')!, /blue\.png \(cosine 1\.000, different labels\)/);
  assert.equal(issueOf(issues, 'duplicates', 'green.png'), null);
});

test('without cached embeddings or zero-shot predictions the filters say what is needed', async () => {
  const t = await trustInputs(images(), mkdtempSync(path.join(os.tmpdir(), 'it-noemb-')));
  const issues = await labelIssues(t);
  assert.equal(issues.duplicates.embedded, 0);
  assert.deepEqual(issues.duplicates.pairs, []);
  assert.match(issueSummary(issues, 'duplicates'), /need cached zero-shot image embeddings/);
  const none = await labelIssues({ images: [], embeddings: { key: null, dim: 0, ids: [], vectors: new Float32Array(0), missing: [] } });
  assert.equal(none.suspect, null);
  assert.match(issueSummary(none, 'suspect'), /need zero-shot predictions/);
  assert.equal(issueSummary(null, 'suspect'), 'Finding suspect labels…');
});

test('the trust report export writes md (with chart files), html and json', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'it-export-'));
  const imgs = images();
  imgs[0].sidecar = applyVerdict(imgs[0].sidecar!, { verdict: 'hallucinated', classifier: 'zero-shot', by: 't' });
  const report = await trustReport(await trustInputs(imgs, dir), 'photos', '2025-01-01T00:00:00.000Z');
  assert.equal(reportFormatOf('a/b.MD'), 'md');
  assert.equal(reportFormatOf('x.htm'), 'html');
  assert.equal(reportFormatOf('x.json'), 'json');
  assert.equal(reportFormatOf('x.txt'), null);
  const md = await writeReportFile(path.join(dir, 'out', 'trust.md'), report, 'md');
  assert.ok(md.charts > 0);
  const text = await fs.readFile(md.file, 'utf8');
  assert.match(text, /!\[[^\]]+\]\(trust-charts\/g1-hallucination\.svg\)/);
  assert.match(await fs.readFile(path.join(dir, 'out', 'trust-charts', 'g1-hallucination.svg'), 'utf8'), /^<svg/);
  const html = await writeReportFile(path.join(dir, 'trust.html'), report, 'html');
  assert.match(await fs.readFile(html.file, 'utf8'), /^<!DOCTYPE html>[\s\S]*<svg/);
  const json = JSON.parse(await fs.readFile((await writeReportFile(path.join(dir, 'trust.json'), report, 'json')).file, 'utf8'));
  assert.equal(json.groups[0].hallucination.hallucinated.rate, 1);
  assert.equal(json.groups[0].hallucination.hallucinated.n, 1);
});
