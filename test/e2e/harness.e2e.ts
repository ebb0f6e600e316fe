// Harness self-test: proves each helper drives a real workbench, using a throwaway
// extension (hello-extension.ts) whose commands write files we then read back.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  makeImageWorkspace,
  openWorkbench,
  rightClickTreeItem,
  clickContextMenuItem,
  runCommandFromPalette,
  scenario,
  screenshot,
  setTheme,
  startCodeServer,
  themeKind,
  waitUntil,
  webviewFrame,
} from './harness';
import { makeHelloExtension } from './hello-extension';
import { themeId } from './paths';

function readWhenPresent(file: string): Promise<string> {
  return waitUntil(`${path.basename(file)} to be written`, () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null));
}

scenario('harness: explorer context menu runs a contributed command on the folder', async (t) => {
  const folder = makeImageWorkspace(t.tempDir('e2e-ws-'));
  const server = await startCodeServer({ folder, extensionDir: makeHelloExtension(t.tempDir('e2e-ext-')) });
  t.cleanup(() => server.stop());
  assert.equal(server.extensionId, 'e2e-selftest.hello-triage-0.0.1');
  const page = await t.newPage();
  await openWorkbench(page, server.url, folder);

  await rightClickTreeItem(page, 'images');
  await screenshot(page, 'harness-context-menu');
  await clickContextMenuItem(page, 'Hello Triage');

  const images = path.join(folder, 'images');
  assert.equal(await readWhenPresent(path.join(images, 'hello-triage.txt')), `hello from ${images}`);
  assert.equal(await page.getByRole('menu').count(), 0, 'context menu closed');
});

scenario('harness: command palette, webview round trip and theme switch', async (t) => {
  const folder = makeImageWorkspace(t.tempDir('e2e-ws-'));
  const server = await startCodeServer({
    folder,
    extensionDir: makeHelloExtension(t.tempDir('e2e-ext-')),
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, folder);
  assert.equal(await themeKind(page), 'vs-dark', 'settings passed to startCodeServer apply');

  await runCommandFromPalette(page, 'Hello Triage Palette');
  assert.equal(await readWhenPresent(path.join(folder, 'hello-palette.txt')), 'palette');

  await runCommandFromPalette(page, 'Hello Triage Webview');
  const frame = webviewFrame(page);
  await frame.locator('#title').waitFor({ timeout: 20_000 });
  assert.equal(await frame.locator('#title').textContent(), 'Hello from the webview');
  await frame.locator('#send').click();
  assert.equal(await readWhenPresent(path.join(folder, 'hello-webview.txt')), 'clicked');
  await waitUntil('the webview to show the reply', async () => (await frame.locator('#reply').textContent()) === 'ack');
  await screenshot(page, 'harness-webview-dark');

  assert.equal(await setTheme(page, 'Default Light Modern'), 'vs');
  await screenshot(page, 'harness-webview-light');
  assert.equal(await setTheme(page, 'Default High Contrast'), 'hc-black');

  // Settings written to disk apply when the workbench is opened again. The workbench saves the theme
  // picked above to settings.json on its own time: wait for that write and leave the page, so it
  // cannot land after ours (on a loaded machine it once did, and the dark theme never came).
  const settingsFile = path.join(server.userDataDir, 'User', 'settings.json');
  const hc = themeId('Default High Contrast');
  await waitUntil('the workbench to save the high-contrast pick to settings.json', () => fs.readFileSync(settingsFile, 'utf8').includes(hc), 30_000);
  await page.goto('about:blank');
  server.writeSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
  await openWorkbench(page, server.url, folder);
  await waitUntil('the dark theme from settings.json', async () => (await themeKind(page)) === 'vs-dark', 30_000);
});
