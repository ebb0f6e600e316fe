// --encoder-url on search and adapt: the towers run on the Open Inference Protocol test server
// (127.0.0.1, onnxruntime-node with the tiny model) while the client's model folder holds no tower at
// all; the results equal the local run's (search scores to 1e-5), and without the flag the same
// commands fail for want of the towers, so the server really did the work.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { cli } from '../../support/cli';
import { tempDir, tinyModel } from '../../support/fixtures';
import { startOipServer, type OipServer } from '../../support/oipServer';

const servers: OipServer[] = [];
const temps: string[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(temps.map((d) => fs.rm(d, { recursive: true, force: true })));
});
async function temp(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  temps.push(d);
  return d;
}
/** A copy of the tiny model without its ONNX towers: config, tokenizer and preprocessing only. */
async function towerless(model: string): Promise<string> {
  const client = path.join(await temp('encu-model-'), 'model');
  await fs.cp(model, client, { recursive: true });
  for (const f of await fs.readdir(path.join(client, 'onnx'))) await fs.rm(path.join(client, 'onnx', f));
  return client;
}
const RGB: Record<string, [number, number, number]> = { red: [220, 20, 30], green: [30, 200, 40] };
async function folder(n: number): Promise<string[]> {
  const root = await temp('encu-');
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2 ? 'green' : 'red';
    const [r, g, b] = RGB[c];
    const name = `${c}${String(i).padStart(2, '0')}.png`;
    await sharp({ create: { width: 30 + i, height: 24, channels: 3, background: { r: r - i, g: g - i, b: b + i } } }).png().toFile(path.join(root, name));
    names.push(name);
  }
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: [{ name: 'red_bin', description: 'a red image' }, { name: 'green_bin', description: 'a green image' }], templates: ['{description}'] }));
  return [root, ...names];
}
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

test('search --encoder-url encodes the query on the server and ranks as local search does (1e-5)', async () => {
  const model = await tinyModel('clip');
  const client = await towerless(model);
  const s = await startOipServer(model, {});
  servers.push(s);
  const [local] = await folder(6);
  const [remote] = await folder(6);
  const [c1, c2] = [await temp('encu-c1-'), await temp('encu-c2-')];
  assert.equal((await cli(['classify', local, '--model', model, '--cache-dir', c1])).code, 0);
  const cr = await cli(['classify', remote, '--model', client, '--cache-dir', c2, '--encoder-url', s.url]);
  assert.equal(cr.code, 0, cr.err);
  const a = await cli(['search', local, 'a red image', '--json', '--cache-dir', c1]);
  assert.equal(a.code, 0, a.err);
  const noServer = await cli(['search', remote, 'a red image', '--json', '--cache-dir', c2]);
  assert.notEqual(noServer.code, 0, 'the towerless model cannot encode the query here');
  const textCalls = s.counts['infer:text_model'] ?? 0;
  const b = await cli(['search', remote, 'a red image', '--json', '--cache-dir', c2, '--encoder-url', s.url]);
  assert.equal(b.code, 0, b.err);
  assert.ok((s.counts['infer:text_model'] ?? 0) > textCalls, `the query went to the server: ${JSON.stringify(s.counts)}`);
  const [ra, rb] = [lastJson(a.out).results, lastJson(b.out).results] as { path: string; score: number }[][];
  assert.equal(rb.length, 6);
  assert.deepEqual(rb.map((r) => r.path), ra.map((r) => r.path), 'same ranking');
  rb.forEach((r, i) => assert.ok(Math.abs(r.score - ra[i].score) <= 1e-5, `${r.path}: ${r.score} vs ${ra[i].score}`));
  const far = await cli(['search', remote, 'a red image', '--cache-dir', c2, '--encoder-url', 'http://triton.example:8000']);
  assert.notEqual(far.code, 0);
  assert.match(far.err, /is not on this machine: every image's pixels would be sent to it\. Add --send-images to agree\./);
});

test('adapt --encoder-url fits on the server\'s prototypes like a local adapt does', async () => {
  const model = await tinyModel('clip');
  const client = await towerless(model);
  const s = await startOipServer(model, {});
  servers.push(s);
  const runs: Record<string, unknown>[] = [];
  for (const remote of [false, true]) {
    const [root, ...names] = await folder(14);
    const cache = await temp('encu-ac-');
    const enc = remote ? ['--encoder-url', s.url] : [];
    assert.equal((await cli(['classify', root, '--model', remote ? client : model, '--cache-dir', cache, ...enc])).code, 0);
    for (const n of names.slice(0, 10)) assert.equal((await cli(['review', path.join(root, n), '--label', n.startsWith('red') ? 'red_bin' : 'green_bin'])).code, 0);
    if (remote) {
      const without = await cli(['adapt', root, '--cache-dir', cache, '--dry-run', '--json']);
      assert.notEqual(without.code, 0, 'the towerless model cannot encode the prompts here');
    }
    const before = s.counts['infer:text_model'] ?? 0;
    const r = await cli(['adapt', root, '--cache-dir', cache, '--dry-run', '--json', ...enc]);
    assert.equal(r.code, 0, r.err);
    if (remote) assert.ok((s.counts['infer:text_model'] ?? 0) > before, `the prompts went to the server: ${JSON.stringify(s.counts)}`);
    runs.push(lastJson(r.out));
  }
  const [la, ra] = runs as { labels: number; cv: { adapter: { rate: number }; zero_shot: { rate: number } } }[];
  assert.equal(ra.labels, 10);
  assert.equal(ra.cv.adapter.rate, la.cv.adapter.rate);
  assert.equal(ra.cv.zero_shot.rate, la.cv.zero_shot.rate);
});

test('report --probe --encoder-url encodes the category texts on the server; the probe section equals the local one', async () => {
  const model = await tinyModel('clip');
  const client = await towerless(model);
  const s = await startOipServer(model, {});
  servers.push(s);
  const sections: unknown[] = [];
  for (const remote of [false, true]) {
    const [root] = await folder(8);
    const cache = await temp('encu-rp-');
    const enc = remote ? ['--encoder-url', s.url] : [];
    assert.equal((await cli(['classify', root, '--model', remote ? client : model, '--cache-dir', cache, ...enc])).code, 0);
    const probe = ['report', root, '--format', 'json', '--probe', '6', '--seed', '3', '--cache-dir', cache];
    if (remote) {
      const without = await cli(probe);
      assert.notEqual(without.code, 0, 'the towerless model cannot encode the texts here');
    }
    const before = s.counts['infer:text_model'] ?? 0;
    const r = await cli([...probe, ...enc]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /description probe: 6 of 8 images .*; 0 images encoded/);
    if (remote) assert.ok((s.counts['infer:text_model'] ?? 0) > before, `the texts went to the server: ${JSON.stringify(s.counts)}`);
    sections.push(JSON.parse(r.out).description_probe);
  }
  assert.deepEqual(sections[1], sections[0]);
  const stray = await cli(['report', '.', '--encoder-url', s.url]);
  assert.equal(stray.code, 1);
  assert.match(stray.err, /--encoder-url only applies with --probe N/);
});
