// The Clusters view in the real VS Code: the unreviewed images grouped by their cached embeddings,
// the images that fit no category in a cluster of their own; Enter accepts a whole cluster (sidecars
// on disk), u undoes it byte for byte, 2 labels a cluster green; "Add category…" from the no-fit
// cluster refuses a duplicate name, writes a new entry into categories.json (comments and thresholds
// kept) and re-scores the folder, after which those images fit the new category and the green labels
// are kept (stale). Screenshots in dark, light and high contrast.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classifyInPanel, scenario, screenshot, setTheme, waitUntil } from './harness';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';

const CATEGORIES = `// shop categories (this comment must survive "Add category…")
{
  "mode": "single_label",
  "categories": [
    { "name": "red", "description": "an image that is red" },
    { "name": "green", "description": "an image that is green" },
    { "name": "blue", "description": "an image that is blue" }
  ],
  "templates": ["{description}"],
  // a third of the softmax is no fit: yellow images fit none of the three
  "thresholds": { "softmax": { "scores": [0.2, 0.34, 0.5, 0.7] } }
}
`;

async function makeWorkspace(ws: string): Promise<string> {
  const folder = path.join(ws, 'shop');
  fs.mkdirSync(folder, { recursive: true });
  for (const [c, n] of [['red', 5], ['green', 4], ['blue', 3], ['yellow', 3]] as const) {
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(folder, `${c}${i}.png`), await solidColorPng(c, 40 + i * 4));
  }
  fs.writeFileSync(path.join(folder, 'categories.json'), CATEGORIES);
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  return folder;
}

const read = (folder: string, f: string) => JSON.parse(fs.readFileSync(path.join(folder, `${f}.labels.json`), 'utf8'));
const texts = (folder: string, files: string[]) => Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(folder, `${f}.labels.json`), 'utf8')]));

scenario('clusters: bulk accept a cluster, undo, add a category from the no-fit cluster and re-score', async (t) => {
  const ws = t.tempDir('e2e-clusters-');
  const folder = await makeWorkspace(ws);
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.png')).sort();
  const { page, frame, dialogs, csp } = await classifyInPanel(t, ws, 'shop');
  for (const f of files.filter((x) => x.startsWith('yellow'))) assert.equal(read(folder, f).predictions['zero-shot'].fits_any, false, `${f} fits no category`);

  // The Clusters tab: the red images first (largest), the yellow ones in a no-fit cluster.
  await frame.getByRole('tab', { name: 'Clusters' }).click();
  const rows = frame.locator('.cluster');
  await rows.first().waitFor({ timeout: 60_000 });
  assert.match((await frame.locator('.clusters-summary').textContent()) ?? '', /^\d+ clusters of 15 unreviewed images \(15 still unreviewed\), 1 of them fitting no category\. Spherical k-means/);
  const nofit = frame.locator('.cluster[data-kind="nofit"]');
  assert.equal(await nofit.count(), 1);
  assert.match((await nofit.locator('.cluster-head').textContent()) ?? '', /fits no category.*3 unreviewed of 3/);
  assert.deepEqual(await nofit.locator('.strip-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id).sort()), ['yellow0.png', 'yellow1.png', 'yellow2.png']);
  const first = rows.first();
  assert.equal(await first.getAttribute('aria-selected'), 'true', 'the first cluster has the focus');
  assert.match((await first.locator('.cluster-head').textContent()) ?? '', /^#1red5 unreviewed of 5/);
  await frame.locator('.strip-item img').first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'clusters-dark');

  // Enter accepts the cluster's prediction for all five red images; u undoes it exactly.
  const reds = files.filter((f) => f.startsWith('red'));
  const before = texts(folder, files);
  await frame.locator('section.clusters').focus();
  await page.keyboard.press('Enter');
  await waitUntil('the red cluster accepted on disk', () => reds.every((f) => read(folder, f).review.status === 'accepted'));
  for (const f of reds) assert.deepEqual(read(folder, f).review.labels, ['red']);
  for (const f of files.filter((x) => !x.startsWith('red'))) assert.equal(texts(folder, [f])[f], before[f], `${f} untouched`);
  await first.locator('.cluster-count', { hasText: 'all 5 reviewed' }).waitFor();
  assert.equal(await rows.nth(1).getAttribute('aria-selected'), 'true', 'the focus moved on to the next cluster');
  await screenshot(page, 'clusters-accepted');
  await page.keyboard.press('u');
  await waitUntil('the undo on disk', () => JSON.stringify(texts(folder, files)) === JSON.stringify(before));
  await first.locator('.cluster-count', { hasText: '5 unreviewed of 5' }).waitFor();

  // A number key labels a whole cluster: 2 = green on the green cluster (#2).
  const greens = files.filter((f) => f.startsWith('green'));
  await page.keyboard.press('Home');
  await page.keyboard.press('j');
  await waitUntil('the green cluster focused', async () => (await rows.nth(1).getAttribute('aria-selected')) === 'true');
  assert.match((await rows.nth(1).locator('.cluster-pred').textContent()) ?? '', /^green$/);
  await page.keyboard.press('2');
  await waitUntil('the green cluster labelled on disk', () => greens.every((f) => read(folder, f).review.status === 'accepted'));
  for (const f of greens) assert.deepEqual(read(folder, f).review.labels, ['green']);

  // Add category… from the no-fit cluster (End, then n): a duplicate is refused in the dialog.
  await page.keyboard.press('End');
  await waitUntil('the no-fit cluster focused', async () => (await nofit.getAttribute('aria-selected')) === 'true');
  await page.keyboard.press('n');
  const dialog = frame.locator('dialog.add-category');
  await dialog.waitFor();
  assert.match((await dialog.locator('.add-cat-context').textContent()) ?? '', /3 images, fits no category/);
  await frame.locator('#add-cat-name').fill('Red');
  await frame.locator('#add-cat-description').fill('another red');
  await page.keyboard.press('Control+Enter');
  await dialog.locator('.add-cat-error', { hasText: 'duplicates categories[0].name' }).waitFor({ timeout: 30_000 });
  assert.equal(fs.readFileSync(path.join(folder, 'categories.json'), 'utf8'), CATEGORIES, 'nothing written on a refusal');
  await screenshot(page, 'clusters-add-category-refused');
  await frame.locator('#add-cat-name').fill('yellow');
  await frame.locator('#add-cat-description').fill('an image that is yellow');
  await dialog.locator('button[data-act="add-category-submit"]').click();
  await waitUntil('the new category in categories.json', () => fs.readFileSync(path.join(folder, 'categories.json'), 'utf8').includes('"yellow"'));
  const cats = fs.readFileSync(path.join(folder, 'categories.json'), 'utf8');
  assert.equal(cats, CATEGORIES.replace('an image that is blue" }', 'an image that is blue" },\n    { "name": "yellow", "description": "an image that is yellow" }'), 'only the entry was added');

  // The re-score (cached embeddings) puts the yellow images in the new category; the clusters follow.
  await waitUntil('the yellow images re-scored', () => files.filter((f) => f.startsWith('yellow')).every((f) => read(folder, f).predictions['zero-shot'].predicted_categories[0]?.name === 'yellow'), 90_000);
  await waitUntil('the clusters recomputed without a no-fit cluster', async () => (await frame.locator('.cluster').count()) > 0 && (await nofit.count()) === 0, 60_000);
  assert.ok(await frame.locator('.cluster .cluster-pred', { hasText: /^yellow$/ }).count(), 'a cluster predicted yellow');
  // The human labels survive the machine's re-score: kept, marked stale, and out of the clusters.
  for (const f of greens) {
    const r = read(folder, f).review;
    assert.equal(r.status, 'stale', f);
    assert.deepEqual(r.labels, ['green']);
    assert.equal(r.history.at(-1).reason, 'categories changed since review');
  }
  assert.equal(await frame.locator('.cluster .cluster-pred', { hasText: /^green$/ }).count(), 0, 'reviewed images are not clustered');
  await screenshot(page, 'clusters-rescored');

  for (const theme of ['Default Light Modern', 'Default High Contrast']) {
    await setTheme(page, theme);
    await frame.locator('section.clusters').focus();
    await screenshot(page, `clusters-${theme.split(' ').slice(1).join('-').toLowerCase()}`);
  }
  assert.deepEqual(dialogs, [], 'no script ran from model or user text');
  assert.deepEqual(csp, [], 'no CSP violations');
}, { timeoutMs: 420_000 });
