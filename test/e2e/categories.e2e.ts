// Choosing categories: with no categories.json, Classify Images offers to create the commented
// example and opens it; a broken categories file is named in the error, with what to fix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clickContextMenuItem, makeImageWorkspace, notificationText, openWorkbench, rightClickTreeItem, scenario, screenshot, startCodeServer, waitUntil } from './harness';
import { parseCategories } from '../../src/core/categories';

scenario('categories: "Create categories.json…" writes and opens the example; a broken file is named in the error', async (t) => {
  const ws = makeImageWorkspace(t.tempDir('e2e-cats-'));
  const images = path.join(ws, 'images');
  const server = await startCodeServer({ folder: ws });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);

  await rightClickTreeItem(page, 'images');
  await clickContextMenuItem(page, 'Classify Images');
  const quick = page.locator('.quick-input-widget');
  const create = quick.getByRole('option', { name: /Create categories\.json/ });
  await create.waitFor({ timeout: 20_000 });
  await screenshot(page, 'categories-quickpick');
  await create.click();

  const file = path.join(images, 'categories.json');
  const text = await waitUntil('categories.json to be written', () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null));
  const { set } = parseCategories(text, file);
  assert.deepEqual(set.categories.map((c) => c.name), ['warranty_claim', 'shipping_damage', 'misuse']);
  await page.getByRole('tab', { name: /categories\.json/ }).first().waitFor({ timeout: 30_000 });
  await notificationText(page, 'Edit the categories in categories.json', 15_000);

  // Break the file: the error names it and says what to do.
  fs.writeFileSync(file, '{ "mode": "single_label", "categories": [ { "name": "only_one" } ] }');
  await page.keyboard.press('Escape');
  await rightClickTreeItem(page, 'images');
  await clickContextMenuItem(page, 'Classify Images');
  const err = await notificationText(page, file, 20_000);
  assert.match(err, /problem/);
  assert.match(err, /Fix the file, save it, and run Classify Images again/);
  await screenshot(page, 'categories-error');
  assert.equal(fs.readdirSync(images).filter((f) => f.endsWith('.labels.json')).length, 0, 'nothing was classified');
}, { timeoutMs: 180_000 });
