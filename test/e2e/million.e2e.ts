// A grid of 1,000,000 images (a generated index through the IMAGE_TRIAGE_TEST_INDEX hook: the images
// need not exist) reaches its last row by keyboard (Ctrl+End), by the scrollbar's end and by dragging
// the scrollbar's thumb with the mouse; keyboard
// moves, selection and "select all in the filter" work across the whole set.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { clickContextMenuItem, openWorkbench, rightClickTreeItem, scenario, screenshot, startCodeServer, waitUntil, webviewFrame } from './harness';
import { cifarPrediction } from './triageWorkspace';
import { newSidecar } from '../../src/core/sidecar';

const N = 1_000_000;
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const idOf = (i: number) => `${CLASSES[i % 10]}/${String(i).padStart(7, '0')}.png`;
const FIRST = idOf(0);
const LAST = idOf(N - 1); // truck/0999999.png: last by name

/** The card of `id` is rendered and lies inside the grid's visible box. */
async function inView(frame: FrameLocator, id: string): Promise<boolean> {
  const card = frame.locator(`.card[data-id="${id}"]`);
  if (!(await card.count())) return false;
  const [c, g] = await Promise.all([card.boundingBox(), frame.locator('.grid').boundingBox()]);
  return !!c && !!g && c.y >= g.y - 1 && c.y + c.height <= g.y + g.height + 1;
}
const focusedId = (frame: FrameLocator) => frame.locator('.card.focused').getAttribute('data-id');
const title = (frame: FrameLocator) => frame.locator('.detail-title').getAttribute('title'); // the id (the text is the file name)

scenario('million: a 1,000,000-image grid reaches the last row by Ctrl+End and by the scrollbar; select all in the filter', async (t) => {
  const ws = t.tempDir('e2e-million-');
  const folder = path.join(ws, 'million');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: CLASSES.map((c) => ({ name: c, description: `a photo of a ${c}` })) }));
  const sidecars = CLASSES.map((cls, k) => {
    const sc = newSidecar({ name: `${cls}.png`, sha256: '0'.repeat(64), size: 1 });
    sc.predictions['zero-shot'] = cifarPrediction(cls, CLASSES, k, '0'.repeat(64));
    return sc;
  });
  // In the order discovery gives (relPath, code units), as a real folder's index would be.
  const images = Array.from({ length: N }, (_, i) => [idOf(i), i % 10] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const indexFile = path.join(t.tempDir('e2e-million-index-'), 'million-index.json'); // outside the workspace
  fs.writeFileSync(indexFile, JSON.stringify({ root: folder, sidecars, images }));

  const server = await startCodeServer({ folder: ws, settings: { 'workbench.colorTheme': 'Default Dark Modern' }, env: { IMAGE_TRIAGE_TEST_INDEX: indexFile } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  await rightClickTreeItem(page, 'million');
  await clickContextMenuItem(page, 'Open Review Panel', 120_000);
  const frame = webviewFrame(page);
  const t0 = Date.now();
  await waitUntil('all 1,000,000 images in the grid', async () => (await frame.locator('.counts .total').textContent().catch(() => '')) === '1000000 images', 300_000);
  t.log(`1,000,000 images shown ${Date.now() - t0} ms after the panel opened`);

  const grid = frame.locator('.grid');
  const { scrollHeight, clientHeight } = await grid.evaluate((g) => ({ scrollHeight: g.scrollHeight, clientHeight: g.clientHeight }));
  t.log(`scroll range ${scrollHeight} px for 1,000,000 images (${clientHeight} px viewport)`);
  assert.ok(scrollHeight < 17_000_000, `the scroll range stays under every browser's cap (${scrollHeight})`);
  assert.ok((await frame.locator('.card').count()) < 200, 'only visible cards are in the DOM');
  await waitUntil('the first image focused', async () => (await focusedId(frame)) === FIRST, 30_000);

  // Keyboard: Ctrl+End reaches the last image, shown in view and in the detail pane.
  await grid.focus();
  await page.keyboard.press('Control+End');
  await waitUntil('the last card focused and in view', async () => (await focusedId(frame)) === LAST && (await inView(frame, LAST)), 60_000);
  await waitUntil('the detail pane shows the last image', async () => (await title(frame)) === LAST, 60_000);
  const atEnd = await grid.evaluate((g) => g.scrollTop + g.clientHeight >= g.scrollHeight - 2);
  assert.ok(atEnd, 'the scrollbar is at its end');
  await screenshot(page, 'million-ctrl-end-dark');
  // Arrow keys keep working at the end: up one row and back.
  await page.keyboard.press('ArrowUp');
  await waitUntil('one row up, in view', async () => {
    const id = await focusedId(frame);
    return !!id && id !== LAST && (await inView(frame, id));
  });
  await page.keyboard.press('Control+Home');
  await waitUntil('Ctrl+Home: the first card focused and in view', async () => (await focusedId(frame)) === FIRST && (await inView(frame, FIRST)), 60_000);

  // The scrollbar: moved to its end (as a drag of the thumb does: scrollTop = its maximum) shows the
  // last row; back to its start, the first.
  await grid.evaluate((g) => (g.scrollTop = g.scrollHeight));
  await waitUntil('the last card rendered in view with the scrollbar at its end', () => inView(frame, LAST), 60_000);
  await screenshot(page, 'million-scrollbar-end-dark');
  await grid.evaluate((g) => (g.scrollTop = 0));
  await waitUntil('the first card in view with the scrollbar at its start', () => inView(frame, FIRST), 60_000);
  // The mouse: press the scrollbar's thumb (at the top of its lane, the grid's right edge) and drag it
  // past the bottom, as a user does; the last row comes into view.
  const box = (await grid.boundingBox())!;
  // The scrollbar's width; its arrow button at the top is as tall, and the thumb starts below it.
  const bar = await grid.evaluate((g) => (g as HTMLElement).offsetWidth - g.clientWidth);
  assert.ok(bar > 0, 'the grid shows a scrollbar');
  const lane = box.x + box.width - bar / 2;
  await page.mouse.move(lane, box.y + bar * 1.5);
  await page.mouse.down();
  await page.mouse.move(lane, box.y + box.height / 2, { steps: 8 });
  await page.mouse.move(lane, box.y + box.height + 60, { steps: 8 });
  await page.mouse.up();
  await waitUntil('the last card in view after dragging the scrollbar thumb to the bottom', () => inView(frame, LAST), 60_000);
  assert.ok(await grid.evaluate((g) => g.scrollTop + g.clientHeight >= g.scrollHeight - 2), 'the dragged thumb is at the end of its track');
  await screenshot(page, 'million-scrollbar-drag-dark');
  await grid.evaluate((g) => (g.scrollTop = 0));
  await waitUntil('the first card in view again', () => inView(frame, FIRST), 60_000);
  // Setting the scrollbar (scrollTop) anywhere shows the rows there: the middle of the set.
  await grid.evaluate((g) => (g.scrollTop = (g.scrollHeight - g.clientHeight) / 2));
  await waitUntil('the middle of the set in view', async () => {
    const ids = await frame.locator('.card').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.id ?? ''));
    return ids.some((id) => id.startsWith('dog/') || id.startsWith('deer/') || id.startsWith('cat/') || id.startsWith('frog/'));
  }, 60_000);

  // Select all across the whole set, then in a filter of 100,000 (one category).
  await grid.focus();
  await page.keyboard.press('Control+a');
  await frame.locator('.bulk-count', { hasText: '1000000 selected' }).waitFor({ timeout: 60_000 });
  await page.keyboard.press('Escape');
  await frame.locator('.bulk').waitFor({ state: 'hidden', timeout: 60_000 });
  await frame.locator('button.count', { hasText: 'truck' }).click();
  await waitUntil('the filter to show 100000 of 1000000', async () => (await frame.locator('.counts .total').textContent()) === '100000 of 1000000 images', 120_000);
  await frame.getByRole('button', { name: /Select all images in the filter/ }).click();
  await frame.locator('.bulk-count', { hasText: '100000 selected' }).waitFor({ timeout: 60_000 });
  await grid.focus();
  await page.keyboard.press('Control+Shift+End');
  await waitUntil('the filter’s last card focused and in view', async () => (await focusedId(frame)) === LAST && (await inView(frame, LAST)), 60_000);
  await screenshot(page, 'million-filter-select-all-dark');
}, { timeoutMs: 600_000 });
