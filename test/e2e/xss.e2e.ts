// OWASP XSS filter-evasion payloads through every field a model or a user controls (file names,
// category names and descriptions, evidence, decision basis, review and audit notes, checkpoint
// names, warnings), in the review panel of the real VS Code and in the HTML trust report opened in
// Chromium: no dialog, no CSP violation, no element made from a payload, every payload shown as text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { FrameLocator, Page } from 'playwright-core';
import { openReviewPanelFromExplorer, openWorkbench, scenario, screenshot, startCodeServer, waitUntil, watchPage, webviewFrame } from './harness';
import { XSS_PAYLOADS } from '../support/hostile';
import { solidColorPng } from '../../src/devmodels/tinyModel';
import { newSidecar, applyReview } from '../../src/core/sidecar';
import { writeSidecar } from '../../src/core/sidecarStore';
import type { Prediction } from '../../src/core/types';
import { main } from '../../src/cli/main';

/** Payloads usable as a file name (no '/', no NUL, short) and as a category name (≤ 64, no control). */
const fileSafe = (p: string) => p.replace(/\//g, '∕').replace(/[\0-\x1f]/g, '').slice(0, 80);
const NAMES = XSS_PAYLOADS.filter((p) => p.length <= 64 && !/[\0-\x1f]/.test(p)).slice(0, 6);
const FILES = XSS_PAYLOADS.slice(0, 8).map((p, i) => `${i}-${fileSafe(p)}.png`);

/** Elements or attributes that only a payload could have made. */
const INJECTED = 'script:not([nonce]):not(#_vscodeApiScript), iframe, object, embed, base, meta[http-equiv="refresh"], [onerror], [onload], [onmouseover], [ontoggle], img[src="x"], img[src^="javascript"], a[href^="javascript"]';

async function hostileFolder(ws: string): Promise<string> {
  const folder = path.join(ws, 'photos');
  fs.mkdirSync(folder, { recursive: true });
  const cats = NAMES.map((name, i) => ({ name, description: XSS_PAYLOADS[(i + 10) % XSS_PAYLOADS.length] }));
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: cats }));
  for (const [i, file] of FILES.entries()) {
    const bytes = await solidColorPng(['red', 'green', 'blue', 'yellow'][i % 4], 48 + i);
    fs.writeFileSync(path.join(folder, file), bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const label = NAMES[i % NAMES.length];
    const payload = (k: number) => XSS_PAYLOADS[(i * 3 + k) % XSS_PAYLOADS.length];
    const p: Prediction = {
      classifier: i % 2 ? 'vlm' : 'zero-shot',
      checkpoint: payload(0),
      revision: payload(1),
      dtype: 'fp32',
      categories_hash: 'xss',
      mode: 'single_label',
      created_at: '2026-01-01T00:00:00.000Z',
      image_sha256: sha,
      warnings: [payload(2)],
      predicted_categories: [{ name: label, score: 5, confidence: 'high', visual_evidence: payload(3) }],
      fits_any: true,
      category_scores: Object.fromEntries(NAMES.map((n) => [n, n === label ? 5 : 1])),
      would_route_to: label,
      decision_basis: payload(4),
      ...(i % 2 ? { prompt_version: payload(5), flags: [{ kind: 'unknown_category', detail: payload(6) }] } : {}),
    } as Prediction;
    let sc = newSidecar({ name: file, sha256: sha, size: bytes.length });
    sc.predictions[p.classifier] = p;
    if (i % 3 === 0) sc = applyReview(sc, { action: 'label', labels: [NAMES[(i + 1) % NAMES.length]] }, { by: payload(7), note: payload(8), classifier: p.classifier }, '2026-01-02T00:00:00.000Z');
    sc.audit = [{ status: 'done', sample_id: 'xss', sampled_at: '2026-01-01T00:00:00.000Z', classifier: p.classifier, checkpoint: p.checkpoint, predicted_labels: [label], verdict: 'hallucinated', category_correct: false, correct_category: NAMES[0], note: payload(9), by: payload(10), at: '2026-01-03T00:00:00.000Z' }];
    await writeSidecar(path.join(folder, file), sc);
  }
  return folder;
}

async function noInjection(scope: FrameLocator | Page, where: string): Promise<void> {
  const found = await scope.locator(INJECTED).evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 120)));
  assert.deepEqual(found, [], `${where}: no element made from a payload`);
}

scenario('xss: OWASP payloads in every field show as text in the panel and the HTML report; nothing runs', async (t) => {
  const ws = t.tempDir('e2e-xss-');
  const folder = await hostileFolder(ws);

  // 1. The HTML trust report, opened in Chromium.
  const report = path.join(ws, 'report.html');
  const io = { out: () => undefined, err: () => undefined, isTTY: false, env: process.env };
  assert.equal(await main(['report', folder, '--format', 'html', '--out', report], io), 0);
  const rp = await t.newPage();
  const rw = watchPage(rp);
  const cspEvents: string[] = [];
  await rp.exposeFunction('__cspViolation', (s: string) => cspEvents.push(s));
  await rp.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(s: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  await rp.goto(`file://${report}`);
  await rp.locator('body').waitFor();
  const text = await rp.locator('body').innerText();
  const shown = XSS_PAYLOADS.filter((p) => text.includes(p.trim().slice(0, 30)));
  t.log(`report: ${shown.length} payloads shown as text; dialogs ${rw.dialogs.length}; CSP events ${cspEvents.length}`);
  assert.ok(shown.length >= 5, 'the payloads are in the report, as text');
  await noInjection(rp, 'report');
  await screenshot(rp, 'xss-report');

  // 2. The review panel in VS Code: every card and its detail pane.
  const server = await startCodeServer({ folder: ws });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  const pw = watchPage(page);
  await openWorkbench(page, server.url, ws);
  await openReviewPanelFromExplorer(page, server, 'photos');
  const frame = webviewFrame(page);
  await frame.locator('.counts .total').waitFor({ timeout: 60_000 });
  assert.equal(await frame.locator('.counts .total').textContent(), `${FILES.length} images`);
  await frame.locator('body').evaluate(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  for (const file of FILES) {
    const c = frame.locator(`.card[data-id="${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`);
    await waitUntil(`the card of ${file}`, async () => (await c.count()) > 0 || (await frame.locator('.grid').evaluate((g) => ((g.scrollTop += 150), false))), 20_000);
    await c.click();
    await waitUntil(`the detail of ${file}`, async () => (await frame.locator('.detail-title').textContent()) === file, 15_000);
    await c.hover();
    await noInjection(frame, `panel, ${file}`);
  }
  const detail = await frame.locator('.detail').innerText();
  assert.ok(XSS_PAYLOADS.some((p) => detail.includes(p.slice(0, 20))), 'a payload shows as text in the detail pane');
  await screenshot(page, 'xss-panel');
  const inFrame = await frame.locator('body').evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  t.log(`panel: dialogs ${pw.dialogs.length}; CSP violations in the webview ${inFrame.length}; CSP console reports ${pw.csp.length}`);
  assert.deepEqual([...rw.dialogs, ...pw.dialogs], [], 'no dialog: no script ran');
  assert.deepEqual([...cspEvents, ...inFrame], [], 'no CSP violation: nothing tried to load or run');
  assert.deepEqual(pw.csp.filter((v) => /webview|vscode-resource|vscode-cdn/i.test(v)), [], 'no CSP report from the webview');
}, { timeoutMs: 240_000 });
