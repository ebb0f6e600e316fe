// A 2,000-image folder with sidecars opens in the review panel with only the visible cards in the
// DOM; reopened, it comes from the summary index (an outside change read at once); scrolling to the
// end shows the last images.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openReviewPanelFromExplorer, openWorkbench, runCommandFromPalette, scenario, screenshot, startCodeServer, waitUntil, webviewFrame } from './harness';
import { extensionLog } from './hostLogs';
import { makeCifarFolder } from './triageWorkspace';
import * as path from 'node:path';
import { readSidecar, updateSidecar } from '../../src/core/sidecarStore';
import { applyReview } from '../../src/core/sidecar';

const imgCount = (frame: FrameLocator) => frame.locator('img').count();

/**
 * Waits up to 10 s for `read()` to give `expected`. A different first value is logged (evidence of
 * a passing state); a timeout fails with the last value seen.
 */
async function settles(t: { log(m: string): void }, what: string, read: () => Promise<string | null>, expected: string): Promise<void> {
  const first = await read();
  if (first === expected) return;
  t.log(`${what}: first ${JSON.stringify(first)}, expected ${JSON.stringify(expected)}; waiting`);
  let last = first;
  await waitUntil(`${what} to be ${JSON.stringify(expected)}`, async () => (last = await read()) === expected, 10_000).catch(() => {
    throw new Error(`${what}: ${JSON.stringify(last)} after 10 s, expected ${JSON.stringify(expected)} (first ${JSON.stringify(first)})`);
  });
}

scenario('scale: 2,000 images open virtualized; scrolling to the end shows the last images', async (t) => {
  const ws = t.tempDir('e2e-scale-');
  const { folder, ids } = await makeCifarFolder(ws, 2000);
  assert.equal(ids.length, 2000);
  const server = await startCodeServer({ folder: ws, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);

  await openReviewPanelFromExplorer(page, server, 'cifar');
  const frame = webviewFrame(page);
  await frame.locator('.counts .total').waitFor({ timeout: 60_000 });
  await settles(t, 'the header', () => frame.locator('.counts .total').textContent(), '2000 images');
  await frame.locator('.card .thumb img').first().waitFor({ timeout: 30_000 });

  const cards = await frame.locator('.card').count();
  const imgs = await imgCount(frame);
  t.log(`at the top: ${cards} cards, ${imgs} <img> in the DOM`);
  assert.ok(cards > 0 && cards < 100, `only visible cards are rendered (${cards})`);
  assert.ok(imgs < 100, `far fewer than 2,000 <img> (${imgs})`);

  // Reopen: the grid comes from the summary index the first open saved (only the sidecar changed
  // meanwhile, by another program, is read before the grid shows), the full sidecars follow, and
  // everything below (scrolling, the detail pane, bulk accept and undo) runs on that reopened panel.
  const log = () => extensionLog(server.userDataDir);
  const loads = () => (log().match(/cifar: sidecars loaded in/g) ?? []).length;
  await waitUntil('the first open to finish loading (the index saved)', () => loads() === 1, 60_000);
  t.step('reopen from the summary index after an outside change');
  await runCommandFromPalette(page, 'View: Close Editor');
  await frame.locator('.counts .total').waitFor({ state: 'detached', timeout: 30_000 });
  const changedId = ids[1];
  await updateSidecar(path.join(folder, changedId), async (cur) => applyReview(cur!, { action: 'label', labels: ['cat'] }, { by: 'another-tool' }));
  await openReviewPanelFromExplorer(page, server, 'cifar');
  await frame.locator('.counts .total').waitFor({ timeout: 60_000 });
  await settles(t, 'the reopened header', () => frame.locator('.counts .total').textContent(), '2000 images');
  assert.match(log(), /Review panel for .*cifar: 2000 images, 10 categories \(.*\); 1999 of them from the summary index, the sidecars loading behind/);
  await waitUntil('the sidecars loaded behind the grid', () => loads() === 2, 60_000);
  await settles(t, `the outside change (${changedId})`, () => frame.locator(`.card[data-id="${changedId}"]`).getAttribute('data-status'), 'overridden');
  await settles(t, `an unchanged image (${ids[2]})`, () => frame.locator(`.card[data-id="${ids[2]}"]`).getAttribute('data-status'), 'pending');
  const spacer = await frame.locator('.grid').evaluate((g) => g.scrollHeight);
  assert.ok(spacer > 20 * (await frame.locator('.grid').evaluate((g) => g.clientHeight)), 'the grid is as tall as 2,000 cards');

  // Scroll to the end: the last images are rendered, with their thumbnails.
  const t0 = Date.now();
  await frame.locator('.grid').evaluate((g) => (g.scrollTop = g.scrollHeight));
  const last = ids[ids.length - 1];
  await waitUntil('the last card with its thumbnail', () =>
    frame.locator(`.card[data-id="${last}"] .thumb img`).evaluate((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0),
    30_000,
  );
  t.log(`last thumbnail shown ${Date.now() - t0} ms after scrolling to the end`);
  assert.ok(await frame.locator(`.card[data-id="${ids[ids.length - 2]}"]`).count(), 'the second-to-last card is rendered too');
  assert.equal(await frame.locator(`.card[data-id="${ids[0]}"]`).count(), 0, 'the first card left the DOM');
  assert.ok((await imgCount(frame)) < 100, 'still far fewer than 2,000 <img>');

  // Keyboard: Home jumps back to the first image, End to the last.
  await frame.locator(`.card[data-id="${last}"]`).click();
  await page.keyboard.press('Home');
  await waitUntil('the first card focused', async () => (await frame.locator(`.card[data-id="${ids[0]}"]`).getAttribute('class'))?.includes('focused'));
  await page.keyboard.press('End');
  await waitUntil('the last card focused', async () => (await frame.locator(`.card[data-id="${last}"]`).getAttribute('class'))?.includes('focused'));
  await waitUntil('the detail pane shows the last image', async () => (await frame.locator('.detail-title').textContent()) === last);
  await screenshot(page, 'scale-end-dark');

  // Bulk: filter to one category from the header, select all in the filter, accept them all, undo.
  await frame.locator('button.count', { hasText: 'bird' }).click();
  await waitUntil('the filter to show 200 of 2000', async () => (await frame.locator('.counts .total').textContent()) === '200 of 2000 images');
  await frame.getByRole('button', { name: /Select all images in the filter/ }).click();
  await frame.locator('.bulk-count', { hasText: '200 selected' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'scale-bulk-dark');
  await frame.getByRole('button', { name: 'Accept the prediction for 200 images' }).click();
  const birds = ids.filter((id) => id.startsWith('bird_'));
  const statuses = async () => Promise.all(birds.map(async (id) => (await readSidecar(path.join(folder, id)))?.review.status));
  await waitUntil('200 bird sidecars accepted', async () => (await statuses()).every((s) => s === 'accepted'), 30_000);
  assert.equal((await readSidecar(path.join(folder, 'cat_0000.jpg')))?.review.status, 'pending', 'images outside the filter are untouched');
  await page.keyboard.press('u');
  await waitUntil('one undo restores all 200', async () => (await statuses()).every((s) => s === 'pending'), 30_000);
  const restored = (await readSidecar(path.join(folder, birds[0])))!.review;
  assert.deepEqual(restored, { status: 'pending', labels: [], history: [] });
}, { timeoutMs: 240_000 });
