// The audit as a user meets it: classify a folder, "Image Triage: Start Audit" draws a seeded sample
// of three, three images are judged with the keys (accurate; category wrong + hallucinated; partly),
// undo and a note, the verdicts are in the sidecars on disk, and the trust dashboard shows the
// hallucination rate with the 95% Wilson interval worked out by hand. Then the label-issue filters
// and the export, in dark, light and high-contrast themes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { clickContextMenuItem, openWorkbench, rightClickTreeItem, runCommandFromPalette, scenario, screenshot, setTheme, startCodeServer, waitUntil, watchPage, webviewFrame } from './harness';
import { makeTriageWorkspace, XSS_FILE } from './triageWorkspace';
import { readSidecar } from '../../src/core/sidecarStore';
import type { AuditEntry } from '../../src/core/types';

/** 95% Wilson interval, by hand: centre ± half over 1 + z²/n. */
function wilsonByHand(k: number, n: number): [number, number, number] {
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [p, centre - half, centre + half];
}

async function entry(folder: string, id: string): Promise<AuditEntry | undefined> {
  return (await readSidecar(path.join(folder, id)))?.audit.at(-1);
}

/** The audited image on screen and its status. */
async function current(frame: FrameLocator): Promise<{ id: string; status: string }> {
  const body = frame.locator('.audit-body');
  await body.waitFor({ timeout: 30_000 });
  return { id: (await body.getAttribute('data-id'))!, status: (await body.getAttribute('data-status'))! };
}

/** Waits for the audit view to show an image still awaiting a verdict other than `previous`. */
async function nextImage(frame: FrameLocator, previous: string[]): Promise<string> {
  return waitUntil('the next image to audit', async () => {
    const c = await current(frame);
    return c.status === 'awaiting' && !previous.includes(c.id) ? c.id : null;
  });
}

async function imageShown(frame: FrameLocator): Promise<void> {
  await waitUntil('the audited image to load', () =>
    frame.locator('.audit-image img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false),
  );
}

async function chooseIssueFilter(frame: FrameLocator, value: string): Promise<void> {
  const dd = frame.locator('vscode-dropdown[data-filter="issue"]');
  await dd.click();
  await dd.locator(`vscode-option[value="${value}"]`).click();
}

async function shownCards(frame: FrameLocator): Promise<string[]> {
  return frame.locator('.card').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!).sort());
}

/** Toasts (e.g. "Classified 9 images") would cover the panel in the screenshots. */
async function clearNotifications(page: Page): Promise<void> {
  await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
}

async function press(page: Page, frame: FrameLocator, key: string): Promise<void> {
  // Keys go to the panel once it has the focus; clicking the title gives it without side effects.
  await frame.locator('.audit-title').click();
  await page.keyboard.press(key);
}

scenario('audit: Start Audit → three verdicts with the keys → sidecars on disk → dashboard shows the Wilson interval', async (t) => {
  t.step('classify the folder in the panel');
  const ws = t.tempDir('e2e-audit-');
  const { folder } = await makeTriageWorkspace(ws, 4);
  const server = await startCodeServer({ folder: ws, settings: { 'imageTriage.model': 'models/tiny-clip', 'workbench.colorTheme': 'Default Dark Modern' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  const { dialogs, csp } = watchPage(page);
  await openWorkbench(page, server.url, ws);
  await rightClickTreeItem(page, 'photos');
  await clickContextMenuItem(page, 'Classify Images');
  const frame = webviewFrame(page);
  await frame.locator('.run-text.run-done').waitFor({ timeout: 90_000 });
  await clearNotifications(page);

  t.step('Start Audit: a sample of 3, seed 7');
  // Start Audit from the Command Palette: a sample of 3 with seed 7.
  await runCommandFromPalette(page, 'Image Triage: Start Audit');
  const box = page.locator('.quick-input-widget');
  await box.getByText(/How many of the 8 predictions to audit/).waitFor({ timeout: 30_000 });
  assert.equal(await box.locator('.quick-input-box input').inputValue(), '8', 'the default size is capped at the predictions there are');
  await box.locator('.quick-input-box input').fill('3 seed 7');
  await page.keyboard.press('Enter');
  await frame.locator('.audit-count').filter({ hasText: '0 / 3 audited' }).waitFor({ timeout: 30_000 });
  assert.match((await frame.locator('.audit-progress').textContent()) ?? '', /seed 7 · drawn from 8 predictions/);
  const first = (await current(frame)).id;
  const marked = (await entry(folder, first))!;
  assert.equal(marked.status, 'awaiting');
  assert.equal(marked.seed, 7);
  await imageShown(frame);
  assert.match((await frame.locator('.audit-facts').textContent()) ?? '', /Checkpoint.*tiny-clip.*Prompt version.*Visual evidence.*Decision basis/s);
  await screenshot(page, 'audit-view-dark');

  t.step('three verdicts, an undo');
  // 1: evidence accurate (category right is assumed).
  await press(page, frame, '1');
  const second = await nextImage(frame, [first]);
  // 2: hallucinated (moves on), then back to it: category wrong → the chooser → the first category
  // that is not the prediction. A zero-shot category verdict is saved at once, merged with the evidence.
  await press(page, frame, '3');
  await waitUntil('the second verdict on disk', async () => (await entry(folder, second))?.verdict === 'hallucinated');
  await nextImage(frame, [first, second]);
  await press(page, frame, 'ArrowLeft');
  await waitUntil('the second image again', async () => (await current(frame)).id === second);
  await press(page, frame, 'w');
  const chooser = frame.locator('dialog.chooser[open]');
  await chooser.waitFor({ timeout: 30_000 });
  const pick = chooser.locator('button.choice[data-choice]:not([disabled]):not([data-choice=""])').first();
  const right = (await pick.getAttribute('data-choice'))!;
  await screenshot(page, 'audit-view-chooser-dark');
  await page.keyboard.press((await pick.getAttribute('data-key'))!);
  await chooser.waitFor({ state: 'hidden', timeout: 30_000 });
  await waitUntil('the category verdict on disk', async () => (await entry(folder, second))?.correct_category === right);
  const third = await nextImage(frame, [first, second]);
  // 3: partly; then undo it (the sidecar goes back to the awaiting entry exactly) and judge again.
  const thirdMarked = (await readSidecar(path.join(folder, third)))!.audit;
  await press(page, frame, '2');
  await waitUntil('the third verdict on disk', async () => (await entry(folder, third))?.verdict === 'partly');
  await page.keyboard.press('u');
  await waitUntil('the undo on disk', async () => JSON.stringify((await readSidecar(path.join(folder, third)))!.audit) === JSON.stringify(thirdMarked));
  await waitUntil('the undone image on screen', async () => (await current(frame)).id === third && (await current(frame)).status === 'awaiting');
  await press(page, frame, '2');
  await frame.locator('.audit-count').filter({ hasText: '3 / 3 audited' }).waitFor({ timeout: 30_000 });

  t.step('a note on the first image');
  // A note on the first image: Home, n, type, Enter.
  await page.keyboard.press('Home');
  await waitUntil('the first image again', async () => (await current(frame)).id === first);
  await press(page, frame, 'n');
  await frame.locator('dialog.note-dialog[open] input').fill('checked at full size');
  await page.keyboard.press('Enter');
  await waitUntil('the note on disk', async () => (await entry(folder, first))?.note === 'checked at full size');
  await screenshot(page, 'audit-view-done-dark');

  // The sidecars hold the verdicts: who, when, classifier, checkpoint, sample and seed.
  const who = os.userInfo().username;
  const expected: [string, Partial<AuditEntry>][] = [
    [first, { verdict: 'accurate', category_correct: true, note: 'checked at full size' }],
    [second, { verdict: 'hallucinated', category_correct: false, correct_category: right }],
    [third, { verdict: 'partly', category_correct: true }],
  ];
  for (const [id, want] of expected) {
    const sc = (await readSidecar(path.join(folder, id)))!;
    assert.equal(sc.audit.length, 1, `${id}: one audit entry`);
    const e = sc.audit[0];
    const pred = sc.predictions['zero-shot']!;
    assert.deepEqual({ verdict: e.verdict, category_correct: e.category_correct, correct_category: e.correct_category, note: e.note }, { correct_category: undefined, note: undefined, ...want }, id);
    assert.equal(e.status, 'done');
    assert.equal(e.by, who);
    assert.ok(e.at && Date.now() - Date.parse(e.at) < 5 * 60_000, `${id}: recorded just now (${e.at})`);
    assert.equal(e.classifier, 'zero-shot');
    assert.equal(e.checkpoint, pred.checkpoint);
    assert.equal(e.sample_id, marked.sample_id);
    assert.equal(e.seed, 7);
  }

  // The shortcut sheet documents the audit keys.
  await press(page, frame, '?');
  const sheet = frame.locator('dialog.shortcuts[open]');
  await sheet.waitFor({ timeout: 30_000 });
  assert.match((await sheet.textContent()) ?? '', /Audit mode.*Evidence hallucinated.*Category wrong: choose the right one/s);
  await page.keyboard.press('Escape');

  t.step('the trust dashboard');
  // The trust dashboard: 1 of 3 hallucinated → 33.3% [6.1%, 79.2%].
  await frame.getByRole('tab', { name: 'Trust dashboard' }).click();
  const kpi = frame.locator('.kpi[data-kpi="hallucinated"]');
  await kpi.waitFor({ timeout: 30_000 });
  const [rate, lower, upper] = wilsonByHand(1, 3);
  assert.equal((await kpi.locator('.kpi-value').textContent())?.trim(), '33.3%');
  assert.equal((await kpi.locator('.kpi-interval').textContent())?.trim(), '95% CI [6.1%, 79.2%]');
  assert.equal((await kpi.locator('.kpi-n').textContent())?.trim(), '1 of 3 judged');
  for (const [attr, want] of [['data-rate', rate], ['data-lower', lower], ['data-upper', upper]] as const) {
    assert.equal(Number(await kpi.getAttribute(attr)).toFixed(3), want.toFixed(3), attr);
  }
  assert.equal((await frame.locator('.kpi[data-kpi="partly"] .kpi-value').textContent())?.trim(), '33.3%');
  assert.equal((await frame.locator('.kpi[data-kpi="category-wrong"] .kpi-n').textContent())?.trim(), '1 of 3 judged');
  assert.match((await frame.locator('.dash-group').textContent()) ?? '', /3 judged, 0 awaiting/);
  await frame.locator('.dash-charts summary').first().click();
  await frame.locator('.dash-charts svg.chart-svg').first().waitFor({ timeout: 30_000 });
  assert.match((await frame.locator('.dash-charts svg.chart-svg').first().getAttribute('aria-label')) ?? '', /^Hallucinated evidence, 95% Wilson interval/);
  await screenshot(page, 'audit-dashboard-dark');
  await frame.locator('.dash-charts').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'audit-dashboard-charts-dark');

  t.step('light and high-contrast themes');
  // Light and high-contrast themes.
  await setTheme(page, 'Default Light Modern');
  await screenshot(page, 'audit-dashboard-charts-light');
  await frame.locator('.dashboard').evaluate((el) => (el.scrollTop = 0));
  await screenshot(page, 'audit-dashboard-light');
  await frame.getByRole('tab', { name: 'Audit 3 / 3' }).click();
  await imageShown(frame);
  await screenshot(page, 'audit-view-light');
  await setTheme(page, 'Default High Contrast');
  await frame.getByRole('tab', { name: 'Trust dashboard' }).click();
  await kpi.waitFor({ timeout: 30_000 });
  await screenshot(page, 'audit-dashboard-hc');
  await setTheme(page, 'Default Dark Modern');

  t.step('label-issue filters');
  // Label issues: the two solid blue images are near duplicates (identical embeddings). (The tiny
  // model's embeddings are few-dimensional colour features, so some photos pair up too.)
  await frame.getByRole('tab', { name: 'Images' }).click();
  await chooseIssueFilter(frame, 'duplicates');
  await waitUntil('the near-duplicate filter', async () => {
    const ids = await shownCards(frame);
    return ids.includes('blue.png') && ids.includes(XSS_FILE) && !ids.includes('red.png') && !ids.includes('broken.jpg');
  });
  assert.match((await frame.locator('.issue-info').textContent()) ?? '', /near-duplicate pairs? \(cosine ≥ 0\.95, .*tiny-clip\)/);
  await frame.locator('.card[data-id="blue.png"]').click();
  await waitUntil('what the filter says about blue.png', async () => ((await frame.locator('.issue-focus').textContent()) ?? '').includes(`${XSS_FILE} (cosine 1.000)`));
  await screenshot(page, 'audit-duplicates-dark');
  // A suspect label: red.png labelled green by hand.
  await chooseIssueFilter(frame, '');
  await frame.locator('.card[data-id="red.png"]').click();
  await page.keyboard.press('2');
  await waitUntil('red.png overridden on disk', async () => (await readSidecar(path.join(folder, 'red.png')))?.review.status === 'overridden');
  await chooseIssueFilter(frame, 'suspect');
  await waitUntil('the suspect-label filter', async () => (await shownCards(frame)).includes('red.png'));
  assert.match((await frame.locator('.issue-info').textContent()) ?? '', /suspect label.*prefers another category/);

  // The review shows on the dashboard: override rate, the confusion matrix, accuracy 0 of 1.
  await frame.getByRole('tab', { name: 'Trust dashboard' }).click();
  const confusion = frame.locator('table.confusion');
  await confusion.waitFor({ timeout: 30_000 });
  assert.equal((await frame.locator('.kpi[data-kpi="accuracy"] .kpi-n').textContent())?.trim(), '0 of 1 reviewed');
  assert.equal(await confusion.locator('td.cm-cell:not(.zero)').count(), 1);
  assert.equal((await confusion.locator('td.cm-cell:not(.zero)').getAttribute('title')), 'predicted red, human green: 1');
  await frame.locator('.dashboard').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await screenshot(page, 'audit-dashboard-review-dark');

  t.step('Export Trust Report');
  // Export Trust Report: the save dialog (code-server's simple dialog) → a JSON report on disk.
  await runCommandFromPalette(page, 'Image Triage: Export Trust Report');
  const target = path.join(folder, 'trust-report.json');
  const pathBox = page.locator('.quick-input-widget .quick-input-box input');
  await waitUntil('the save dialog', async () => (await pathBox.inputValue()).endsWith('trust-report.html'));
  await pathBox.fill(target);
  await page.keyboard.press('Enter');
  await waitUntil('the exported report', () => fs.existsSync(target), 15_000);
  const json = JSON.parse(fs.readFileSync(target, 'utf8'));
  const h = json.groups[0].hallucination.hallucinated;
  assert.deepEqual([h.k, h.n, h.rate.toFixed(3), h.lower.toFixed(3), h.upper.toFixed(3)], [1, 3, rate.toFixed(3), lower.toFixed(3), upper.toFixed(3)]);

  assert.deepEqual(dialogs, [], 'no script ran');
  t.log(`CSP reports: ${csp.length ? csp.join(' | ') : 'none'}`);
  assert.deepEqual(csp.filter((v) => !/^https?:\/\/127\.0\.0\.1:\d+\/(stable|static)/.test(v) || /webview/i.test(v)), [], 'no CSP violations in the panel');
}, { timeoutMs: 420_000 });
