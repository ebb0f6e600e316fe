// The run's progress is part of the panel's state: close the review panel while a run is under way
// and open it again, and it shows the true progress at once (not 0 / N, not nothing) and follows the
// run to the end. The VLM server holds its answers after the first two images, so no progress event
// arrives while the panel is closed and reopened: what the panel shows comes from its `init`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clickContextMenuItem, openReviewPanelFromExplorer, openWorkbench, rightClickTreeItem, runCommandFromPalette, scenario, screenshot, startCodeServer, waitUntil, webviewFrame } from './harness';
import { chat, startServer } from '../unit/vlm/fakeServer';
import { solidColorPng } from '../../src/devmodels/tinyModel';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'cyan', 'magenta'];

scenario('reopen: closing and reopening the panel mid-run shows the true progress, then the run to its end', async (t) => {
  const ws = t.tempDir('e2e-reopen-');
  const folder = path.join(ws, 'photos');
  fs.mkdirSync(folder, { recursive: true });
  for (const c of COLOURS) fs.writeFileSync(path.join(folder, `${c}.png`), await solidColorPng(c, 32));
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: [{ name: 'colour', description: 'A solid colour.' }, { name: 'other', description: 'Anything else.' }] }));

  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let answered = 0;
  const card = JSON.stringify({
    category_scores: { colour: 5, other: 1 },
    predicted_categories: [{ name: 'colour', score: 5, confidence: 'high', visual_evidence: 'One solid colour.' }],
    fits_any: true,
    would_route_to: 'colour',
    decision_basis: 'A single colour fills the image.',
  });
  const vlm = await startServer(async () => {
    if (answered++ >= 2) await gate;
    return { body: chat(card) };
  }, { maxRequests: 20 });
  t.cleanup(async () => {
    release();
    await vlm.close();
  });
  const server = await startCodeServer({
    folder: ws,
    settings: { 'imageTriage.classifier': 'vlm', 'imageTriage.vlm.baseUrl': vlm.baseUrl, 'imageTriage.vlm.model': 'test-vlm', 'imageTriage.vlm.concurrency': 1, 'imageTriage.batchSize': 1 },
  });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);

  await rightClickTreeItem(page, 'photos');
  await clickContextMenuItem(page, 'Classify Images');
  const frame = webviewFrame(page);
  const runText = () => frame.locator('.run-text').textContent({ timeout: 5_000 });
  await waitUntil('the run held at 2 of 6', async () => (await runText().catch(() => '')) === 'Classifying 2 / 6', 60_000);

  // Close the panel while the run waits on the server, then open it again from the Explorer.
  await runCommandFromPalette(page, 'View: Close Editor');
  await waitUntil('the panel closed', async () => (await page.locator('iframe.webview.ready').count()) === 0, 15_000);
  await openReviewPanelFromExplorer(page, server, 'photos');
  await frame.locator('.counts .total').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('.counts .total').textContent(), '6 images');
  assert.equal(await runText(), 'Classifying 2 / 6', 'the reopened panel shows the run where it is');
  assert.ok(vlm.active >= 1, 'the run is still waiting on the server: no progress event reached the new panel');
  await screenshot(page, 'reopen-mid-run');

  // The reopened panel follows the run to its end.
  release();
  await frame.locator('.run-text.run-done').waitFor({ timeout: 60_000 });
  assert.equal(await runText(), 'Classified 6 images');
  await waitUntil('every card labelled', async () => (await frame.locator('.card .chip', { hasText: 'colour' }).count()) === 6, 15_000);
}, { timeoutMs: 240_000 });
