// Export Dataset as a user meets it: a classified, partly reviewed folder; the review panel's own
// toolbar button (Export dataset…) → format, labels and options from QuickPicks → the save dialog →
// an ImageFolder export on disk with the reviewed images only → "Reveal in Explorer" shows it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { clickContextMenuItem, openReviewPanelFromExplorer, openWorkbench, rightClickTreeItem, scenario, screenshot, startCodeServer, treeItem, waitUntil, webviewFrame } from './harness';
import { makeTriageWorkspace } from './triageWorkspace';
import { main } from '../../src/cli/main';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';

const quiet = { out: () => undefined, err: () => undefined, isTTY: false, env: process.env };

async function pickByTyping(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ timeout: 30_000 });
  await input.fill(text);
  await page.locator('.quick-input-widget').getByRole('option').first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** The options step with none ticked, then the save dialog answered with `target`. */
async function noOptionsThenSaveTo(page: Page, target: string): Promise<void> {
  await page.locator('.quick-input-widget').getByText('Split train / val / test').waitFor({ timeout: 30_000 });
  // No extra options: OK, until the options step has gone (on a loaded 1.139 one Enter, pressed while
  // the step was still being drawn, was lost and the save dialog never came).
  const optionsStep = page.locator('.quick-input-widget .quick-input-title', { hasText: 'options' });
  await waitUntil('the options step accepted', async () => {
    if (!(await optionsStep.isVisible().catch(() => false))) return true;
    await page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click({ timeout: 2_000 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_000));
    return !(await optionsStep.isVisible().catch(() => false));
  }, 30_000);
  const pathBox = page.locator('.quick-input-widget .quick-input-box input');
  await waitUntil('the save dialog', async () => (await pathBox.inputValue()).endsWith('-imagefolder'));
  await pathBox.fill(target);
  await page.keyboard.press('Enter');
}

scenario('export: panel toolbar button → Export Dataset… → ImageFolder on disk → Reveal in Explorer', async (t) => {
  const ws = t.tempDir('e2e-export-');
  const { folder } = await makeTriageWorkspace(ws, 4);
  assert.equal(await main(['classify', folder, '--model', path.join(ws, 'models', 'tiny-clip'), '--cache-dir', t.tempDir('e2e-export-cache-')], quiet), 2, 'classified (one broken file)');
  const colours = ['red.png', 'green.png', 'blue.png'].map((f) => path.join(folder, f));
  assert.equal(await main(['review', ...colours, '--accept', '--by', 'e2e'], quiet), 0);

  const server = await startCodeServer({ folder: ws, settings: { 'imageTriage.model': 'models/tiny-clip' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  await openReviewPanelFromExplorer(page, server, 'photos');
  await webviewFrame(page).locator('.card').first().waitFor({ timeout: 60_000 });

  // The editor title bar carries the command too; the panel's own toolbar button is the one clicked.
  await page.locator('.editor-actions .action-label[aria-label*="Export Dataset"]').waitFor({ timeout: 30_000 });
  const button = webviewFrame(page).getByRole('toolbar', { name: 'Views, audit and export' }).getByRole('button', { name: /Export the labelled dataset/ });
  await button.waitFor({ timeout: 30_000 });
  await screenshot(page, 'export-toolbar-button');
  await button.click();
  await pickByTyping(page, 'ImageFolder');
  await pickByTyping(page, 'Reviewed and auto-accepted');
  const target = path.join(ws, 'photos-export');
  await noOptionsThenSaveTo(page, target);

  await waitUntil('the export on disk', () => fs.existsSync(path.join(target, 'export.json')), 30_000);
  const summary = JSON.parse(fs.readFileSync(path.join(target, 'export.json'), 'utf8'));
  assert.equal(summary.exported, 3, 'the three reviewed images');
  assert.deepEqual(fs.readdirSync(path.join(target, 'train')).sort(), ['blue', 'green', 'red']);
  assert.ok(!fs.readdirSync(ws).some((n) => n.includes('.tmp')), 'no temporary folder left');

  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Exported 3 of' });
  await toast.waitFor({ timeout: 30_000 });
  await screenshot(page, 'export-done');
  await toast.getByRole('button', { name: 'Reveal in Explorer' }).click();
  await treeItem(page, 'photos-export').waitFor({ timeout: 30_000 });
  await waitUntil('the export to be selected in the explorer', async () => (await treeItem(page, 'photos-export').getAttribute('aria-selected')) === 'true');
}, { timeoutMs: 240_000 });

// Cancel from the progress notification. The extension host's export waits on a test hook
// (IMAGE_TRIAGE_TEST_PAUSE, core/testHooks.ts) before its first image while Cancel is clicked, so the
// export cannot finish first however fast the machine is; the click alone must stop it.
scenario('export cancel: Cancel in the progress notification leaves nothing behind; the next export finishes', async (t) => {
  const ws = t.tempDir('e2e-export-cancel-');
  const { folder } = await makeTriageWorkspace(ws, 4);
  assert.equal(await main(['classify', folder, '--model', path.join(ws, 'models', 'tiny-clip'), '--cache-dir', t.tempDir('e2e-export-cache-')], quiet), 2, 'classified (one broken file)');
  assert.equal(await main(['review', ...['red.png', 'green.png', 'blue.png'].map((f) => path.join(folder, f)), '--accept', '--by', 'e2e'], quiet), 0);
  const hooks = t.tempDir('e2e-export-hooks-');
  const server = await startCodeServer({ folder: ws, settings: { 'imageTriage.model': 'models/tiny-clip' }, env: { IMAGE_TRIAGE_TEST_HOOK_DIR: hooks, IMAGE_TRIAGE_TEST_PAUSE: '1' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  const target = path.join(ws, 'photos-export');
  const exportFromExplorer = async () => {
    await rightClickTreeItem(page, 'photos');
    await clickContextMenuItem(page, 'Export Dataset…');
    await pickByTyping(page, 'ImageFolder');
    await pickByTyping(page, 'Reviewed and auto-accepted');
    await noOptionsThenSaveTo(page, target);
  };
  await exportFromExplorer();
  const paused = await waitUntil('the export to reach its first image', () => fs.readdirSync(hooks).find((f) => f.startsWith('paused-')), 60_000);
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'exporting photos as ImageFolder' });
  await toast.waitFor({ timeout: 30_000 });
  await screenshot(page, 'export-cancel-progress');
  await toast.getByRole('button', { name: 'Cancel' }).click();
  fs.writeFileSync(path.join(hooks, paused.replace('paused-', 'resume-')), '');
  const cancelled = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'export cancelled; nothing was written' });
  await cancelled.waitFor({ timeout: 30_000 });
  // For the screenshot: once the toast's slide-in is over (no transition still running on it).
  await waitUntil('the message fully shown', () => cancelled.evaluate((el) => (el.closest('.notifications-toasts') ?? el).getAnimations({ subtree: true }).length === 0).catch(() => false), 10_000).catch(() => undefined);
  await screenshot(page, 'export-cancelled');
  assert.equal(fs.existsSync(target), false, 'no export folder');
  assert.deepEqual(fs.readdirSync(ws).filter((n) => n.includes('.tmp')), [], 'no temporary folder left');
  for (const f of ['red.png', 'green.png', 'blue.png']) assert.equal(JSON.parse(fs.readFileSync(path.join(folder, `${f}.labels.json`), 'utf8')).review.status, 'accepted', `${f}: review kept`);

  // The hook lets every later image through (resume-<pid> stays): the same export now finishes.
  await exportFromExplorer();
  await waitUntil('the second export on disk', () => fs.existsSync(path.join(target, 'export.json')), 60_000);
  assert.equal(JSON.parse(fs.readFileSync(path.join(target, 'export.json'), 'utf8')).exported, 3);
  assert.deepEqual(fs.readdirSync(path.join(target, 'train')).sort(), ['blue', 'green', 'red']);
}, { timeoutMs: 240_000 });

scenario('eval dashboard: a folder-per-class set shows the evaluation against folder names in the Trust dashboard', async (t) => {
  const ws = t.tempDir('e2e-eval-');
  const folder = path.join(ws, 'colours');
  // Red/ holds two red images and an orange one (a mistake the model makes), Green/ two green ones.
  const files: Record<string, string> = { 'Red/r1.png': 'red', 'Red/r2.png': 'red', 'Red/o1.png': 'orange', 'Green/g1.png': 'green', 'Green/g2.png': 'green' };
  for (const [rel, colour] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
    fs.writeFileSync(path.join(folder, rel), await solidColorPng(colour, 48));
  }
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: ['red', 'green', 'orange'].map((c) => ({ name: c, description: `something ${c}` })) }));
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  assert.equal(await main(['classify', folder, '--model', path.join(ws, 'models', 'tiny-clip'), '--cache-dir', t.tempDir('e2e-eval-cache-')], quiet), 0);

  const server = await startCodeServer({ folder: ws, settings: { 'imageTriage.model': 'models/tiny-clip' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  await openReviewPanelFromExplorer(page, server, 'colours');
  const frame = webviewFrame(page);
  await frame.locator('.card').first().waitFor({ timeout: 60_000 });
  await frame.getByRole('tab', { name: /Trust dashboard/ }).click();
  const section = frame.locator('section.dash-eval');
  await section.waitFor({ timeout: 30_000 });
  const kpis = await section.locator('table.dash-eval-kpis tbody tr').first().locator('th, td').allTextContents();
  assert.equal(kpis[0], '80.0%', `top-1 is 4 of 5 (${kpis.join(' | ')})`);
  assert.match((await section.textContent()) ?? '', /Per class.*red.*green.*orange/s);
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'eval-dashboard');
}, { timeoutMs: 240_000 });
