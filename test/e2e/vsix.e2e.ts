// The packaged extension, installed: `npm run package` builds the linux-x64 .vsix, it is unpacked the
// way VS Code installs it (its extension/ folder), and that copy — not the repo — classifies a folder
// from the Explorer with its own bundled onnxruntime-node and sharp.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { clickContextMenuItem, openWorkbench, rightClickTreeItem, scenario, screenshot, startCodeServer, webviewFrame } from './harness';
import { makeTriageWorkspace } from './triageWorkspace';
import { readSidecar } from '../../src/core/sidecarStore';

const REPO = path.resolve(__dirname, '../..');

scenario('vsix: the packaged .vsix installs and classifies with its own native modules', async (t) => {
  const pack = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stdout.slice(-2000) + pack.stderr.slice(-2000));
  const vsix = path.join(REPO, 'dist-vsix', 'image-triage-0.1.0-linux-x64.vsix');
  const mb = fs.statSync(vsix).size / 1e6;
  t.log(`vsix ${mb.toFixed(1)} MB`);
  assert.ok(mb < 60, `lean package (${mb.toFixed(1)} MB)`);
  const unpacked = t.tempDir('e2e-vsix-');
  const unzip = spawnSync('unzip', ['-q', vsix, 'extension/*', '-d', unpacked], { encoding: 'utf8' });
  assert.equal(unzip.status, 0, unzip.stderr);
  const ext = path.join(unpacked, 'extension');
  // The installed copy has only linux-x64 native code, and no sources or tests.
  assert.ok(fs.existsSync(path.join(ext, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64')));
  assert.ok(!fs.existsSync(path.join(ext, 'node_modules/onnxruntime-node/bin/napi-v6/win32')));
  assert.ok(!fs.existsSync(path.join(ext, 'src')) && !fs.existsSync(path.join(ext, 'test')));

  const ws = t.tempDir('e2e-vsix-ws-');
  const { folder, colours } = await makeTriageWorkspace(ws, 2);
  const server = await startCodeServer({ folder: ws, extensionDir: ext, settings: { 'imageTriage.model': 'models/tiny-clip' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  await rightClickTreeItem(page, 'photos');
  await clickContextMenuItem(page, 'Classify Images');
  const frame = webviewFrame(page);
  await frame.locator('.run-text.run-done').waitFor({ timeout: 90_000 });
  for (const [id, colour] of Object.entries(colours)) {
    const sc = await readSidecar(path.join(folder, id));
    assert.deepEqual(sc?.predictions['zero-shot']?.predicted_categories.map((p) => p.name), [colour], id);
  }
  await screenshot(page, 'vsix-installed-panel');
});
