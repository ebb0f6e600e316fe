// Search by meaning and live re-scoring in the real VS Code, on a folder classified with the tiny
// colour model: "red" ranks the red images first and the review keys work on the results; Esc clears;
// "More like this" ranks by the focused image; a description edited in the panel shows how many
// images would change label, before → after on the cards, Discard writes nothing, Apply writes the
// sidecars and categories.json; saving categories.json in the editor previews its change too.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { classifyInPanel, scenario, screenshot, setTheme, waitUntil } from './harness';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';

const COLOURS = ['red', 'green', 'blue'];
const PER = 3;

async function makeWorkspace(ws: string): Promise<string> {
  const folder = path.join(ws, 'shop');
  fs.mkdirSync(folder, { recursive: true });
  for (const c of COLOURS) for (let i = 0; i < PER; i++) fs.writeFileSync(path.join(folder, `${c}${i}.png`), await solidColorPng(c, 40 + i * 4));
  const categories = `{
  // colours
  "mode": "single_label",
  "categories": [
    { "name": "red", "description": "an image that is red" },
    { "name": "green", "description": "an image that is green" },
    { "name": "blue", "description": "an image that is blue" }
  ],
  "templates": ["{description}"]
}
`;
  fs.writeFileSync(path.join(folder, 'categories.json'), categories);
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  return folder;
}

/** The grid's cards in reading order (rows, then columns). */
async function gridOrder(frame: FrameLocator): Promise<string[]> {
  return frame.locator('.grid .card').evaluateAll((els) =>
    els
      .map((e) => ({ id: e.getAttribute('data-id') ?? '', r: e.getBoundingClientRect() }))
      .sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left)
      .map((x) => x.id),
  );
}
const status = (frame: FrameLocator) => frame.locator('.search-status');
const texts = (folder: string) => Object.fromEntries(fs.readdirSync(folder).filter((f) => f.endsWith('.labels.json')).map((f) => [f, fs.readFileSync(path.join(folder, f), 'utf8')]));
const predicted = (folder: string, f: string): string | undefined => JSON.parse(fs.readFileSync(path.join(folder, `${f}.labels.json`), 'utf8')).predictions['zero-shot']?.predicted_categories[0]?.name;

scenario('explore: search by meaning, more like this, live re-scoring preview with Discard and Apply', async (t) => {
  const ws = t.tempDir('e2e-explore-');
  const folder = await makeWorkspace(ws);
  // Test hooks (core/testHooks.ts): the host holds a detail answer while <hooks>/hold-detail exists.
  const hooks = t.tempDir('e2e-explore-hooks-');
  // The test types a whole file into the editor: no auto-closing or indenting of what it types.
  const { page, frame, dialogs, csp } = await classifyInPanel(
    t,
    ws,
    'shop',
    {
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'editor.autoIndent': 'none',
    },
    { IMAGE_TRIAGE_TEST_HOOK_DIR: hooks },
  );

  // 1. Search: the reds first for "red"; the results are a filter the review keys work on.
  const box = frame.locator('.search-box');
  await box.fill('red');
  await box.press('Enter');
  await waitUntil('the search results', async () => /^Top 9 of 9 images for “red”/.test((await status(frame).textContent()) ?? ''), 60_000);
  const order = await gridOrder(frame);
  assert.deepEqual(order.slice(0, PER).sort(), ['red0.png', 'red1.png', 'red2.png'], order.join(', '));
  assert.match((await frame.locator('.header .total').textContent()) ?? '', /^9 images$/);
  await screenshot(page, 'explore-search-dark');
  // The grid has the focus: 'a' accepts the first result.
  await page.keyboard.press('a');
  await waitUntil('the accept on disk', () => JSON.parse(fs.readFileSync(path.join(folder, `${order[0]}.labels.json`), 'utf8')).review.status === 'accepted');
  // Esc clears the search (the grid shows every image, in name order).
  await page.keyboard.press('Escape');
  await waitUntil('the search to clear', async () => (await frame.locator('vscode-button[data-act="search-clear"]').isHidden()) && !(await status(frame).textContent()));
  assert.deepEqual((await gridOrder(frame)).slice(0, 3), ['blue0.png', 'blue1.png', 'blue2.png']);

  // 2. More like this: the greens first for a green image (itself left out).
  await frame.locator('.card[data-id="green1.png"]').click();
  // The detail pane shows green1 before its button is pressed; one press is enough (see 2b).
  await waitUntil('green1 in the detail pane', async () => (await frame.locator('.detail .detail-title').getAttribute('title').catch(() => null)) === 'green1.png');
  await frame.locator('.detail vscode-button[data-act="like"]').click();
  await waitUntil('more like green1', async () => /^Top 8 of 9 images for images like green1\.png/.test((await status(frame).textContent()) ?? ''), 10_000);
  assert.deepEqual((await gridOrder(frame)).slice(0, 2).sort(), ['green0.png', 'green2.png']);
  await setTheme(page, 'Default Light Modern'); // returns once the webview carries the theme's class
  await screenshot(page, 'explore-like-light');
  await frame.locator('vscode-button[data-act="search-clear"]').click();

  // 2b. One press that straddles the detail pane's redraw counts: the host holds the detail of blue1
  // (not focused before) while the button is pressed down, then answers; the button is released
  // after the pane redrew. (Before the pane kept its buttons across that redraw, this press was lost.)
  const hold = path.join(hooks, 'hold-detail');
  fs.writeFileSync(hold, '');
  await frame.locator('.card[data-id="blue1.png"]').click();
  await waitUntil('blue1 in the detail pane', async () => (await frame.locator('.detail .detail-title').getAttribute('title').catch(() => null)) === 'blue1.png');
  assert.equal(await frame.locator('.detail .detail-image .loading').count(), 1, 'the detail is held (the pane shows loading…)');
  const likeBox = await frame.locator('.detail vscode-button[data-act="like"]').boundingBox();
  assert.ok(likeBox, 'the More like this button is on screen');
  await page.mouse.move(likeBox.x + likeBox.width / 2, likeBox.y + likeBox.height / 2);
  await page.mouse.down();
  fs.rmSync(hold);
  await waitUntil('blue1\'s detail drawn', async () => (await frame.locator('.detail .detail-image .loading').count()) === 0);
  await page.mouse.up();
  await waitUntil('more like blue1 (one press)', async () => /^Top 8 of 9 images for images like blue1\.png/.test((await status(frame).textContent()) ?? ''), 10_000);
  assert.deepEqual((await gridOrder(frame)).slice(0, 2).sort(), ['blue0.png', 'blue2.png']);
  await frame.locator('vscode-button[data-act="search-clear"]').click();

  // 3. Edit a description in the panel: the preview, nothing written; Discard; then Apply.
  const before = texts(folder);
  const editDescription = async (name: string, description: string) => {
    await frame.locator('vscode-button[data-act="describe-open"]').click();
    await frame.locator('.describe-cat').selectOption(name);
    await frame.locator('.describe-text').fill(description);
    await frame.locator('vscode-button[data-act="describe-preview"]').click();
    await frame.locator('.rescore-headline').waitFor({ timeout: 60_000 });
  };
  await editDescription('red', 'an image that is green');
  const headline = frame.locator('.rescore-headline');
  const n = Number(await headline.getAttribute('data-count'));
  assert.ok(n >= 1, `some images change label (${n})`);
  assert.equal(await headline.textContent(), `${n} images would change label`);
  assert.equal(await frame.locator('.grid .card').count(), n, 'only the changes are shown');
  const shown = await frame.locator('.grid .card').evaluateAll((els) => els.map((e) => [e.getAttribute('data-id') ?? '', e.querySelector('.change-mark')?.textContent ?? '']));
  for (const [id, change] of shown) assert.match(change, /^(red|green|blue|nothing fits) → (red|green|blue|nothing fits)$/, id);
  const expected = Object.fromEntries(shown.map(([id, change]) => [id, change.split(' → ')[1]]));
  assert.deepEqual(texts(folder), before, 'the preview wrote nothing');
  await screenshot(page, 'explore-preview-light');
  await frame.locator('vscode-button[data-act="rescore-discard"]').click();
  await frame.locator('.rescore').waitFor({ state: 'hidden', timeout: 30_000 });
  assert.equal(await frame.locator('.grid .card').count(), 9);
  assert.deepEqual(texts(folder), before, 'Discard wrote nothing');

  await editDescription('red', 'an image that is green');
  await frame.locator('vscode-button[data-act="rescore-apply"]').click();
  await waitUntil('the new predictions on disk', () => Object.entries(expected).every(([id, label]) => (predicted(folder, id) ?? 'nothing fits') === label), 60_000);
  await waitUntil('the preview to close', () => frame.locator('.rescore').isHidden());
  assert.match(fs.readFileSync(path.join(folder, 'categories.json'), 'utf8'), /\/\/ colours[\s\S]*"name": "red", "description": "an image that is green"/);
  await waitUntil('the applied notice', async () => /Applied: 9 sidecars written, \d+ labels changed/.test((await frame.locator('.notices').textContent()) ?? ''));
  await setTheme(page, 'Default Dark Modern');
  await screenshot(page, 'explore-applied-dark');

  // 4. categories.json saved in the editor: a preview of the saved file.
  await saveCategoriesInEditor(page, path.join(folder, 'categories.json'), 'an image that is green', 'an image that is red');
  await page.getByRole('tab', { name: /Review: shop/ }).click();
  await waitUntil('the preview of the saved file', async () => (await frame.locator('.rescore').isVisible()) && /with categories\.json as saved/.test((await frame.locator('.rescore-details').textContent()) ?? ''), 60_000);
  assert.match((await frame.locator('.rescore-headline').textContent()) ?? '', /^\d+ images? would change label$/);
  await screenshot(page, 'explore-file-preview-dark');
  await frame.locator('vscode-button[data-act="rescore-discard"]').click();

  assert.deepEqual(dialogs, [], 'no script ran from model or user text');
  assert.deepEqual(csp, [], 'no CSP violations');
}, { timeoutMs: 420_000 });

async function saveCategoriesInEditor(page: Page, file: string, from: string, to: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.keyboard.type('categories.json');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'categories.json' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 30_000 });
  await editor.locator('.view-lines').click();
  await waitUntil('the editor to have the focus', () => editor.evaluate((e) => e.contains(document.activeElement)));
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await waitUntil('the editor to be empty', async () => ((await editor.locator('.view-lines').textContent()) ?? '').trim() === '');
  await page.keyboard.insertText(fs.readFileSync(file, 'utf8').replace(from, to));
  await page.keyboard.press('Control+S');
  await waitUntil('the file saved', () => fs.readFileSync(file, 'utf8').includes(to));
}
