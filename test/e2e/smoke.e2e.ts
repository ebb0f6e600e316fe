// Smoke test: the repo's extension installed in a real VS Code, a workspace of images open.
import * as assert from 'node:assert/strict';
import {
  makeImageWorkspace,
  openWorkbench,
  scenario,
  screenshot,
  startCodeServer,
  treeItem,
  waitForEnabledExtension,
} from './harness';

scenario('smoke: workbench opens a workspace of images with the extension installed', async (t) => {
  const folder = makeImageWorkspace(t.tempDir('e2e-ws-'));
  const server = await startCodeServer({ folder });
  t.cleanup(() => server.stop());
  assert.equal(server.extensionId, 'image-triage.image-triage-0.1.0');

  const page = await t.newPage();
  await openWorkbench(page, server.url, folder);

  const images = treeItem(page, 'images');
  await images.waitFor({ timeout: 20_000 });
  assert.equal(await images.getAttribute('aria-expanded'), 'false');
  await images.click();
  await treeItem(page, 'red.png').waitFor({ timeout: 30_000 });
  await treeItem(page, 'blue.png').waitFor({ timeout: 30_000 });
  assert.equal(await images.getAttribute('aria-expanded'), 'true');
  t.log(`screenshot: ${await screenshot(page, 'smoke-explorer')}`);

  // VS Code itself lists the symlinked repo as an installed, enabled extension.
  await waitForEnabledExtension(page, 'Image Triage');
  await screenshot(page, 'smoke-extensions');
});
