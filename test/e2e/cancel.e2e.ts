// Cancel from the progress notification: the run stops, every sidecar on disk is whole, and
// running Classify Images again finishes the rest (images already done are skipped). The extension
// host's sidecar writes wait on a test hook (IMAGE_TRIAGE_TEST_PAUSE, core/testHooks.ts) while Cancel is
// clicked, so the run cannot finish first however fast the machine is; the click alone must stop it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clickContextMenuItem, openWorkbench, rightClickTreeItem, scenario, screenshot, startCodeServer, waitUntil, webviewFrame } from './harness';
import { makeCifarFolder } from './triageWorkspace';
import { readSidecar } from '../../src/core/sidecarStore';
import { writeTinyModel } from '../../src/devmodels/tinyModel';

scenario('cancel: Cancel stops the run with whole sidecars; a second run finishes the rest', async (t) => {
  const ws = t.tempDir('e2e-cancel-');
  const { folder, ids } = await makeCifarFolder(ws, 400, false);
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  const hooks = t.tempDir('e2e-cancel-hooks-');
  const server = await startCodeServer({
    folder: ws,
    settings: { 'imageTriage.model': 'models/tiny-clip', 'imageTriage.batchSize': 8 },
    env: { IMAGE_TRIAGE_TEST_HOOK_DIR: hooks, IMAGE_TRIAGE_TEST_PAUSE: '1' },
  });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);

  await rightClickTreeItem(page, 'cifar');
  await clickContextMenuItem(page, 'Classify Images');
  const frame = webviewFrame(page);
  // The first sidecar write of the run holds until resume-<pid> exists.
  const paused = await waitUntil('the run to reach its first sidecar write', () => fs.readdirSync(hooks).find((f) => f.startsWith('paused-')), 90_000);
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Image Triage: cifar' });
  await waitUntil('the progress notification to count images', async () => /\d+ \/ 400 images/.test(await toast.innerText()), 30_000);
  await screenshot(page, 'cancel-progress');
  t.log(`progress notification: ${(await toast.innerText()).replace(/\s+/g, ' ').trim()}`);
  await toast.getByRole('button', { name: 'Cancel' }).click();
  fs.writeFileSync(path.join(hooks, paused.replace('paused-', 'resume-')), '');
  await frame.locator('.run-text.run-cancelled').waitFor({ timeout: 30_000 });

  const names = fs.readdirSync(folder);
  const sidecars = names.filter((n) => n.endsWith('.labels.json'));
  t.log(`cancelled with ${sidecars.length} sidecars written`);
  assert.ok(sidecars.length > 0 && sidecars.length < ids.length, `a partial run (${sidecars.length})`);
  assert.deepEqual(names.filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
  for (const s of sidecars) {
    const sc = await readSidecar(path.join(folder, s.slice(0, -'.labels.json'.length)));
    assert.ok(sc?.predictions['zero-shot'], `${s} is a whole sidecar with a prediction`);
  }

  // Again: the rest is classified, the finished ones are skipped.
  await page.keyboard.press('Escape');
  await rightClickTreeItem(page, 'cifar');
  await clickContextMenuItem(page, 'Classify Images');
  await frame.locator('.run-text.run-done').waitFor({ timeout: 120_000 });
  const all = fs.readdirSync(folder).filter((n) => n.endsWith('.labels.json'));
  assert.equal(all.length, ids.length);
  const first = await readSidecar(path.join(folder, sidecars[0].slice(0, -'.labels.json'.length)));
  assert.ok(first?.predictions['zero-shot']);
}, { timeoutMs: 300_000 });
