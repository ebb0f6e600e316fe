// A description over the model's token limit: Classify Images shows a visible VS Code warning naming
// the category, the template and the tokens dropped (not only a log line), and the sidecar keeps it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clickContextMenuItem, notificationText, openWorkbench, rightClickTreeItem, scenario, screenshot, startCodeServer, waitUntil } from './harness';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';

scenario('long prompt: a 120-token description gives a visible warning and an EOS-terminated prompt', async (t) => {
  const ws = t.tempDir('e2e-long-');
  const folder = path.join(ws, 'images');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'red.png'), await solidColorPng('red', 48));
  fs.writeFileSync(path.join(folder, 'blue.png'), await solidColorPng('blue', 48));
  const long = ['red', ...Array.from({ length: 117 }, (_, i) => ['a', 'photo', 'of', 'the', 'thing'][i % 5])].join(' ');
  fs.writeFileSync(
    path.join(folder, 'categories.json'),
    JSON.stringify({ mode: 'single_label', categories: [{ name: 'red', description: long }, { name: 'blue', description: 'blue' }], templates: ['{description}'] }),
  );
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  const server = await startCodeServer({ folder: ws, settings: { 'imageTriage.model': 'models/tiny-clip' } });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  await rightClickTreeItem(page, 'images');
  await clickContextMenuItem(page, 'Classify Images');
  const shown = await notificationText(page, 'over the model\'s limit of 77', 120_000);
  assert.match(shown, /Category "red", template "\{description\}": the prompt is \d+ tokens/);
  await screenshot(page, 'long-prompt-warning');
  const sidecar = path.join(folder, 'red.png.labels.json');
  const sc = await waitUntil('the red sidecar', () => (fs.existsSync(sidecar) ? JSON.parse(fs.readFileSync(sidecar, 'utf8')) : null), 120_000);
  assert.ok(sc.predictions['zero-shot'].warnings.some((w: string) => w.includes('over the model\'s limit of 77')));
  assert.equal(sc.predictions['zero-shot'].would_route_to, 'red');
}, { timeoutMs: 300_000 });
