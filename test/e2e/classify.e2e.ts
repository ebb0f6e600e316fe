// The product as a user meets it: right-click a folder → Classify Images → the panel fills in with
// the tiny model's labels → keyboard decisions land in the sidecars on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import {
  clickContextMenuItem,
  openWorkbench,
  rightClickTreeItem,
  scenario,
  screenshot,
  setTheme,
  startCodeServer,
  waitUntil,
  watchPage,
  webviewFrame,
} from './harness';
import { BROKEN, makeTriageWorkspace, XSS, XSS_FILE } from './triageWorkspace';
import { readSidecar, writeSidecar } from '../../src/core/sidecarStore';
import { applyReview } from '../../src/core/sidecar';

const card = (frame: FrameLocator, id: string) => frame.locator(`.card[data-id="${id.replace(/"/g, '\\"')}"]`);

/** Resolves once the webview has painted twice (the grid renders the rows of a new scroll position). */
const rendered = (frame: FrameLocator) => frame.locator('body').evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Scrolls the virtualized grid until the card of `id` is rendered, and into view. */
async function reveal(frame: FrameLocator, id: string): Promise<void> {
  const grid = frame.locator('.grid');
  const total = await grid.evaluate((g) => g.scrollHeight);
  for (let top = 0; top <= total && !(await card(frame, id).count()); top += 200) {
    await grid.evaluate((g, y) => (g.scrollTop = y), top);
    await rendered(frame);
  }
  await card(frame, id).scrollIntoViewIfNeeded();
}

async function review(folder: string, id: string) {
  return (await readSidecar(path.join(folder, id)))?.review;
}

/**
 * Scrolls the (virtualized) grid from top to bottom and returns the ids of the cards whose
 * thumbnail loaded, once there are `expected` of them.
 */
async function loadedThumbnails(frame: FrameLocator, expected: number): Promise<Set<string>> {
  const seen = new Set<string>();
  await waitUntil(`${expected} thumbnails to load`, async () => {
    const grid = frame.locator('.grid');
    const { height, total } = await grid.evaluate((g) => ({ height: g.clientHeight, total: g.scrollHeight }));
    for (let top = 0; top < total + height; top += Math.max(100, height / 2)) {
      await grid.evaluate((g, y) => (g.scrollTop = y), top);
      await rendered(frame);
      const ids = await frame.locator('.card').evaluateAll((els) =>
        els.filter((e) => {
          const img = e.querySelector('.thumb img') as HTMLImageElement | null;
          return !!img && img.complete && img.naturalWidth > 0;
        }).map((e) => (e as HTMLElement).dataset.id!),
      );
      ids.forEach((id) => seen.add(id));
    }
    await grid.evaluate((g) => (g.scrollTop = 0));
    return seen.size >= expected;
  }, 40_000);
  return seen;
}

/** Clicks a card (focusing the grid) and presses a key, the way a reviewer does. */
async function decide(page: Page, frame: FrameLocator, id: string, key: string): Promise<void> {
  await reveal(frame, id);
  await card(frame, id).click();
  await waitUntil(`${id} to be focused`, async () => (await card(frame, id).getAttribute('class'))?.includes('focused'));
  await page.keyboard.press(key);
}

scenario('classify: right-click → Classify Images → review with the keyboard → sidecars on disk', async (t) => {
  const ws = t.tempDir('e2e-triage-');
  const { folder, colours } = await makeTriageWorkspace(ws);
  const images = fs.readdirSync(folder).filter((f) => /\.(jpe?g|png)$/i.test(f) && f !== BROKEN);
  assert.equal(images.length, 16);
  const server = await startCodeServer({
    folder: ws,
    // A relative model path resolves against the workspace folder.
    settings: { 'imageTriage.model': 'models/tiny-clip', 'workbench.colorTheme': 'Default Dark Modern' },
  });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  const { dialogs, csp: cspViolations } = watchPage(page);
  await openWorkbench(page, server.url, ws);

  await rightClickTreeItem(page, 'photos');
  await clickContextMenuItem(page, 'Classify Images');

  const frame = webviewFrame(page);
  await frame.locator('.run-text.run-done').waitFor({ timeout: 90_000 });
  t.log('classification finished');

  // Every image has a sidecar with a prediction, and the panel shows every thumbnail.
  for (const id of images) {
    const sc = await readSidecar(path.join(folder, id));
    assert.ok(sc?.predictions['zero-shot'], `${id} has a zero-shot prediction`);
  }
  const shown = await loadedThumbnails(frame, images.length);
  assert.deepEqual([...shown].sort(), [...images].sort(), 'every image shows its thumbnail');
  for (const [id, colour] of Object.entries(colours)) {
    await reveal(frame, id);
    assert.equal((await card(frame, id).locator('.chip').first().textContent())?.trim(), colour, `${id} is labelled ${colour}`);
  }
  const headerText = await frame.locator('.counts').textContent();
  assert.match(headerText ?? '', /17 images/);
  assert.match(headerText ?? '', /errors\s*1/);

  // The unreadable file: its card and the detail pane say what is wrong; nothing was invented for it.
  assert.equal(await readSidecar(path.join(folder, BROKEN)), null);
  await reveal(frame, BROKEN);
  assert.match((await card(frame, BROKEN).getAttribute('class')) ?? '', /has-error/);
  await card(frame, BROKEN).click();
  const errors = frame.locator('.detail .errors');
  await errors.waitFor({ timeout: 30_000 });
  const error = await errors.innerText();
  t.log(`error shown for ${BROKEN}: ${error.replace(/\s+/g, ' ')}`);
  assert.match(error, /not a supported image|cannot decode|cannot read/i);
  await screenshot(page, 'classify-panel-dark');

  // Keyboard: accept one, override one with a number key, reject one, undo one.
  await decide(page, frame, 'blue.png', 'a');
  await waitUntil('blue.png accepted on disk', async () => (await review(folder, 'blue.png'))?.status === 'accepted');
  // The override lands while the detail pane's buttons stay the same nodes, their state patched, so a
  // press that straddles the update is not lost (a rebuilt button drops it).
  await reveal(frame, 'red.png');
  await card(frame, 'red.png').click();
  await waitUntil('red.png to be focused', async () => (await card(frame, 'red.png').getAttribute('class'))?.includes('focused'));
  const detailButton = (sel: string) => frame.locator(`.detail ${sel}`);
  await waitUntil('the detail pane to show red.png', async () => (await frame.locator('.detail-title').textContent()) === 'red.png');
  for (const sel of ['[data-act="accept"]', '[data-act="assign"][data-index="1"]']) await detailButton(sel).evaluate((el) => el.setAttribute('data-e2e-kept', ''));
  await page.keyboard.press('2'); // category 2 = green
  await waitUntil('red.png overridden on disk', async () => (await review(folder, 'red.png'))?.status === 'overridden');
  await waitUntil('the detail pane to show green pressed', async () => (await detailButton('[data-act="assign"][data-index="1"]').getAttribute('appearance')) === 'primary');
  assert.equal(await frame.locator('.detail [data-e2e-kept]').count(), 2, 'Accept and the green button are the same nodes after the override landed');
  assert.equal(await detailButton('[data-act="assign"][data-index="0"]').getAttribute('appearance'), 'secondary', 'red is no longer pressed');
  assert.equal(await detailButton('[data-act="assign"][data-index="1"]').getAttribute('aria-current'), 'true', 'green is announced as the current category');
  assert.equal(await detailButton('[data-act="assign"][data-index="0"]').getAttribute('aria-current'), null, 'red is no longer announced as current');
  await decide(page, frame, 'green.png', 'x');
  await waitUntil('green.png rejected on disk', async () => (await review(folder, 'green.png'))?.status === 'rejected');
  await page.keyboard.press('u');
  await waitUntil('green.png restored to pending', async () => (await review(folder, 'green.png'))?.status === 'pending');

  // Ctrl+Shift+Z redoes, Ctrl+Z undoes again.
  await page.keyboard.press('Control+Shift+Z');
  await waitUntil('green.png rejected again (redo)', async () => (await review(folder, 'green.png'))?.status === 'rejected');
  await page.keyboard.press('Control+Z');
  await waitUntil('green.png pending again (undo)', async () => (await review(folder, 'green.png'))?.status === 'pending');

  const blue = (await review(folder, 'blue.png'))!;
  assert.deepEqual(blue.labels, ['blue']);
  const red = (await review(folder, 'red.png'))!;
  assert.deepEqual(red.labels, ['green']);
  assert.deepEqual(red.based_on?.labels, ['red']);
  const green = (await review(folder, 'green.png'))!;
  assert.deepEqual(green, { status: 'pending', labels: [], history: [] }, 'undo restores the review exactly');
  await waitUntil('the panel to show the decisions', async () =>
    (await card(frame, 'blue.png').getAttribute('data-status')) === 'accepted' &&
    (await card(frame, 'red.png').getAttribute('data-status')) === 'overridden' &&
    (await card(frame, 'green.png').getAttribute('data-status')) === 'pending',
  );

  // A change on disk from elsewhere (the CLI, git) shows in the panel.
  const greenPath = path.join(folder, 'green.png');
  await writeSidecar(greenPath, applyReview((await readSidecar(greenPath))!, { action: 'label', labels: ['blue'] }, { by: 'cli' }));
  await reveal(frame, 'green.png');
  await waitUntil('the external change to show', async () => (await card(frame, 'green.png').getAttribute('data-status')) === 'overridden');
  assert.match((await card(frame, 'green.png').getAttribute('class')) ?? '', /\bchanged\b/);
  assert.match((await frame.locator('.notices').textContent()) ?? '', /green\.png changed on disk/);

  // Model text and file names are shown as text, never run as markup.
  await reveal(frame, 'red.png');
  await card(frame, 'red.png').click();
  const evidence = frame.locator('.detail .evidence');
  await evidence.waitFor({ timeout: 30_000 });
  assert.ok((await evidence.textContent())?.includes(XSS), 'the XSS description shows as characters in the evidence');
  await reveal(frame, XSS_FILE);
  await card(frame, XSS_FILE).click();
  await waitUntil('the markup file name in the detail title', async () => (await frame.locator('.detail-title').textContent()) === XSS_FILE);
  assert.equal(await frame.locator('img[src="x"], b[onmouseover]').count(), 0, 'no element was created from the strings');
  assert.deepEqual(dialogs, [], 'no script ran');
  t.log(`CSP reports: ${cspViolations.length ? cspViolations.join(' | ') : 'none'}`);
  assert.deepEqual(cspViolations.filter((v) => !/^https?:\/\/127\.0\.0\.1:\d+\/(stable|static)/.test(v) || /webview/i.test(v)), [], 'the panel runs under its CSP without violations');
  await screenshot(page, 'classify-detail-dark');

  // Every control has an accessible name; the grid says which card is active.
  const unnamed = await frame.locator('button, vscode-button, vscode-dropdown, vscode-checkbox, [role="option"], [role="listbox"], [tabindex="0"]').evaluateAll((els) =>
    // (Parts inside a toolkit component's shadow DOM are named by their host element.)
    els.filter((e) => e.getRootNode() === document && !(e.getAttribute('aria-label') || e.textContent || '').trim()).map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, []);
  const active = await frame.locator('.grid').getAttribute('aria-activedescendant');
  assert.ok(active && (await frame.locator(`#${active}`).getAttribute('aria-label'))?.includes(XSS_FILE), 'the active card is announced by name');

  // The shortcut sheet, then the light and high-contrast themes.
  await reveal(frame, 'red.png');
  await card(frame, 'red.png').click();
  await page.keyboard.press('?');
  await frame.locator('dialog.shortcuts[open]').waitFor({ timeout: 30_000 });
  await screenshot(page, 'classify-shortcuts-dark');
  await page.keyboard.press('Escape');
  await setTheme(page, 'Default Light Modern');
  await screenshot(page, 'classify-panel-light');
  await setTheme(page, 'Default High Contrast');
  // High contrast draws primary and secondary buttons alike: red.png's current category (green) is outlined.
  const outline = (sel: string) => detailButton(sel).evaluate((el) => getComputedStyle(el).outlineStyle);
  await waitUntil('the current category to be outlined in high contrast', async () => (await outline('[data-act="assign"][data-index="1"]')) === 'solid');
  assert.equal(await outline('[data-act="assign"][data-index="0"]'), 'none', 'only the current category is outlined');
  await screenshot(page, 'classify-panel-hc');
}, { timeoutMs: 240_000 });
