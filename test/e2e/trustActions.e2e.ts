// "Act on trust" in the real VS Code: on a folder whose prompts swap red and green (zero-shot is wrong
// on those), the trust dashboard runs the description probe, learns from the corrections (both
// cross-validated accuracies shown before applying; applying fixes the unreviewed images on disk),
// then certifies and auto-accepts the unreviewed images and undoes it byte for byte.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { classifyInPanel, scenario, screenshot, waitUntil } from './harness';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';
import { readSidecar, writeSidecar } from '../../src/core/sidecarStore';
import { applyReview } from '../../src/core/sidecar';

const COLOURS = ['red', 'green', 'blue'];
const PER_COLOUR = 7;
const LABELLED = 5;

async function makeWorkspace(ws: string): Promise<{ folder: string; truth: Map<string, string> }> {
  const folder = path.join(ws, 'shop');
  fs.mkdirSync(folder, { recursive: true });
  const truth = new Map<string, string>();
  for (const c of COLOURS) {
    for (let i = 0; i < PER_COLOUR; i++) {
      const file = `${c}${i}.png`;
      fs.writeFileSync(path.join(folder, file), await solidColorPng(c, 40 + i * 4));
      truth.set(file, c);
    }
  }
  // red and green are each described by the other's colour: the tiny model follows the words.
  const categories = { mode: 'single_label', categories: [{ name: 'red', description: 'an image that is green' }, { name: 'green', description: 'an image that is red' }, { name: 'blue', description: 'an image that is blue' }], templates: ['{description}'] };
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify(categories, null, 2));
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  return { folder, truth };
}

const sidecarText = (folder: string, f: string) => fs.readFileSync(path.join(folder, `${f}.labels.json`), 'utf8');
const act = (frame: FrameLocator, name: string) => frame.locator(`vscode-button[data-act="${name}"]`);
const enabled = async (frame: FrameLocator, name: string) => !(await act(frame, name).evaluate((el) => el.hasAttribute('disabled')));

scenario('act on trust: description probe, learn from corrections, certify & auto-accept with undo, from the dashboard', async (t) => {
  const ws = t.tempDir('e2e-trust-');
  const { folder, truth } = await makeWorkspace(ws);
  const { page, frame, dialogs, csp } = await classifyInPanel(t, ws, 'shop');
  const files = [...truth.keys()];
  const wrongBefore = files.filter((f) => readSidecarSync(folder, f) !== truth.get(f));
  assert.equal(wrongBefore.length, 2 * PER_COLOUR, 'zero-shot swaps red and green');

  await frame.getByRole('tab', { name: 'Trust dashboard' }).click();
  await frame.locator('.act-on-trust').waitFor({ timeout: 30_000 });

  // 1. The description probe: cached embeddings, results in the dashboard.
  await act(frame, 'probe-run').click();
  const probe = frame.locator('.probe-result');
  await probe.waitFor({ timeout: 60_000 });
  assert.match((await probe.textContent()) ?? "", /^20 images: shuffled descriptions changed \d+\/20/);

  // 2. Learn from my corrections: disabled until 5 labels per category, then both accuracies, then apply.
  assert.equal(await enabled(frame, 'adapt-check'), false, 'no labels yet');
  for (const c of COLOURS) {
    for (let i = 0; i < LABELLED; i++) {
      const p = path.join(folder, `${c}${i}.png`);
      await writeSidecar(p, applyReview((await readSidecar(p))!, { action: 'label', labels: [c] }, { by: 'e2e' }));
    }
  }
  await frame.locator('vscode-button[data-act="refresh"]').click();
  await waitUntil('Learn from my corrections to be enabled', () => enabled(frame, 'adapt-check'));
  await act(frame, 'adapt-check').click();
  const acc = frame.locator('.learn-accuracy');
  await acc.waitFor({ timeout: 60_000 });
  assert.equal(Number(await acc.getAttribute('data-cv')), 1, 'the adapter is right on every held-out label');
  assert.ok(Number(await acc.getAttribute('data-zs')) < 0.5, 'zero-shot is wrong on red and green');
  assert.match((await acc.textContent()) ?? '', /5-fold cross-validated accuracy on 15 labels: adapter 100\.0%, zero-shot \d+\.\d%/);
  assert.match((await frame.locator('.act-learn').textContent()) ?? '', /Not applied yet/);
  const unreviewed = files.filter((f) => Number(f.match(/\d+/)![0]) >= LABELLED);
  for (const f of unreviewed) assert.doesNotMatch((await readSidecar(path.join(folder, f)))!.predictions['zero-shot']!.checkpoint, /\+adapter:/, 'nothing applied by the check');
  await screenshot(page, 'trust-learn-checked');
  await act(frame, 'adapt-apply').click();
  await frame.locator('.act-learn').filter({ hasText: `Applied: ${unreviewed.length} unreviewed images re-scored` }).waitFor({ timeout: 60_000 });
  for (const f of unreviewed) {
    const p = (await readSidecar(path.join(folder, f)))!.predictions['zero-shot']!;
    assert.match(p.checkpoint, /\+adapter:[0-9a-f]{12}$/);
    assert.equal(p.predicted_categories[0]?.name, truth.get(f), `${f} is right now`);
  }

  // 3. Certify & auto-accept at a 70% target (a handful of clean audits certify it), then undo.
  // The target error field (a toolkit text field): typed in as a user would.
  const target = frame.locator('vscode-text-field[data-act="max-error"] input');
  assert.equal(await target.inputValue(), '0.02', 'the default target is shown');
  await target.fill('0.7');
  await act(frame, 'certify-draw').click();
  const status = frame.locator('.certify-status');
  await status.waitFor({ timeout: 30_000 });
  assert.equal(await status.getAttribute('data-certified'), 'false');
  assert.match((await frame.locator('.act-certify').textContent()) ?? '', /audit needed: [1-9]\d* pending/);
  assert.equal(await frame.locator('.act-certify svg.certify-curve').count(), 1, 'the coverage-vs-bound chart');
  assert.equal(await enabled(frame, 'auto-accept'), false, 'nothing certified yet');
  // The auditor judges each sampled image in the Audit view with the keys: c = category right, saved
  // alone (a zero-shot prediction's evidence verdict is optional), then the next image. On the first,
  // w (wrong) and its undo come first.
  const pending = Number(/audit needed: (\d+) pending/.exec((await frame.locator('.act-certify').textContent()) ?? '')![1]);
  await act(frame, 'certify-audit').click();
  await frame.locator('.audit-count').filter({ hasText: `0 / ${pending} audited` }).waitFor({ timeout: 30_000 });
  assert.match((await frame.locator('.audit-status').textContent()) ?? '', /zero-shot: c \(right\) or w \(wrong\) is enough/);
  await screenshot(page, 'trust-certify-audit');
  const judged: string[] = [];
  for (let i = 0; i < pending; i++) {
    const id = await waitUntil('an image awaiting its verdict', async () => {
      const body = frame.locator('.audit-body');
      return (await body.getAttribute('data-status')) === 'awaiting' && !judged.includes((await body.getAttribute('data-id'))!) ? (await body.getAttribute('data-id'))! : null;
    });
    assert.ok(unreviewed.includes(id), `${id} is unreviewed`);
    await frame.locator('.audit-title').click();
    if (i === 0) {
      // w: category wrong, the right one chosen, saved alone; then u restores the sidecar byte for byte.
      const awaiting = sidecarText(folder, id);
      await page.keyboard.press('w');
      const chooser = frame.locator('dialog.chooser[open]');
      await chooser.waitFor({ timeout: 30_000 });
      const pick = chooser.locator('button.choice[data-choice]:not([disabled]):not([data-choice=""])').first();
      const right = (await pick.getAttribute('data-choice'))!;
      await page.keyboard.press((await pick.getAttribute('data-key'))!);
      await chooser.waitFor({ state: 'hidden', timeout: 30_000 });
      await waitUntil(`the "wrong" verdict on ${id} on disk`, async () => (await readSidecar(path.join(folder, id)))!.audit.some((e) => e.status === 'done' && e.certify && e.category_correct === false && e.correct_category === right));
      await page.keyboard.press('u');
      await waitUntil(`the undo of ${id} on disk`, () => sidecarText(folder, id) === awaiting);
      await waitUntil(`${id} awaiting again on screen`, async () => {
        const body = frame.locator('.audit-body');
        return (await body.getAttribute('data-id')) === id && (await body.getAttribute('data-status')) === 'awaiting';
      });
      await frame.locator('.audit-title').click();
    }
    await page.keyboard.press('c');
    await waitUntil(`the verdict on ${id} on disk`, async () => (await readSidecar(path.join(folder, id)))!.audit.some((e) => e.status === 'done' && e.certify && e.category_correct === true && e.verdict === undefined));
    judged.push(id);
  }
  await frame.locator('.audit-count').filter({ hasText: `${pending} / ${pending} audited` }).waitFor({ timeout: 30_000 });
  await frame.getByRole('tab', { name: 'Trust dashboard' }).click();
  await frame.locator('vscode-button[data-act="refresh"]').click();
  await waitUntil('the threshold to be certified', async () => (await status.getAttribute('data-certified').catch(() => null)) === 'true');
  const before = Object.fromEntries(files.map((f) => [f, sidecarText(folder, f)]));
  await screenshot(page, 'trust-certified');
  await act(frame, 'auto-accept').click();
  await waitUntil('auto-accepted sidecars on disk', async () => (await readSidecar(path.join(folder, unreviewed[0])))!.review.status === 'auto-accepted');
  const accepted: string[] = [];
  for (const f of files) if ((await readSidecar(path.join(folder, f)))!.review.status === 'auto-accepted') accepted.push(f);
  assert.ok(accepted.length >= 3 && accepted.every((f) => unreviewed.includes(f)), `only unreviewed images: ${accepted.join(', ')}`);
  for (const f of files.filter((x) => !accepted.includes(x))) assert.equal(sidecarText(folder, f), before[f], `${f} untouched`);
  await waitUntil('Undo to be enabled', () => enabled(frame, 'auto-accept-undo'));
  await act(frame, 'auto-accept-undo').click();
  await waitUntil('the undo on disk', async () => files.every((f) => sidecarText(folder, f) === before[f]));
  await screenshot(page, 'trust-undone');

  assert.deepEqual(dialogs, [], 'no script ran from model or user text');
  assert.deepEqual(csp, [], 'no CSP violations');
}, { timeoutMs: 480_000 });

function readSidecarSync(folder: string, f: string): string | undefined {
  const sc = JSON.parse(sidecarText(folder, f));
  return sc.predictions['zero-shot']?.predicted_categories[0]?.name;
}
