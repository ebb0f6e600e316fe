// The CLI's main job on a folder of mixed solid-colour images, real photos and bad inputs, using a
// generated tiny CLIP model: right labels, exit codes, resume, and human decisions preserved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli } from '../../support/cli';
import { photos, solidColorPng, tempDir, tinyModel, writeBadInputs } from '../../support/fixtures';
import { readSidecar } from '../../../src/core/sidecarStore';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'white', 'black'];

async function folder(opts: { bad?: boolean } = {}) {
  const root = await tempDir('cli-');
  await fs.mkdir(path.join(root, 'colours/nested'), { recursive: true });
  await fs.mkdir(path.join(root, 'photos'));
  for (const [i, c] of COLOURS.entries()) {
    await fs.writeFile(path.join(root, i % 2 ? 'colours/nested' : 'colours', `${c}.png`), await solidColorPng(c, 40 + i * 7));
  }
  for (const p of await photos(3)) await fs.copyFile(p, path.join(root, 'photos', path.basename(p)));
  const bad = opts.bad ? await writeBadInputs(root) : {};
  await fs.writeFile(
    path.join(root, 'categories.json'),
    JSON.stringify({ mode: 'single_label', categories: COLOURS.map((c) => ({ name: c, description: `a ${c} image` })), templates: ['a photo of {name}', '{description}'] }),
  );
  return { root, bad, cache: await tempDir('cli-cache-') };
}

const sidecarOf = (root: string, rel: string) => readSidecar(path.join(root, rel));
const jsonLine = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

test('classify gets every solid colour right, exits 2 naming each corrupt file, then skips everything on a second run', async () => {
  const { root, bad, cache } = await folder({ bad: true });
  const model = await tinyModel('clip');
  const r = await cli(['classify', root, '--model', model, '--json', '--cache-dir', cache, '--batch', '4']);
  assert.equal(r.code, 2, r.err);
  for (const f of Object.values(bad)) assert.match(r.out, new RegExp(`${f.replace('.', '\\.')}: `), `summary names ${f}`);
  const summary = jsonLine(r.out);
  assert.deepEqual([summary.classified, summary.skipped, summary.failed], [COLOURS.length + 3, 0, 4]);
  assert.equal(summary.checkpoint, model);
  for (const [i, c] of COLOURS.entries()) {
    const sc = await sidecarOf(root, `${i % 2 ? 'colours/nested' : 'colours'}/${c}.png`);
    assert.deepEqual(sc!.predictions['zero-shot']!.predicted_categories.map((p) => p.name), [c], `${c}.png`);
    assert.equal(sc!.review.status, 'pending');
  }
  assert.match(r.out, /Per category:/);
  assert.match(r.out, /Review queue/);
  assert.equal(await sidecarOf(root, bad.text), null, 'no sidecar is invented for a file that is not an image');

  const again = await cli(['classify', root, '--model', model, '--json', '--cache-dir', cache]);
  const s2 = jsonLine(again.out);
  assert.deepEqual([s2.classified, s2.skipped, s2.failed], [0, COLOURS.length + 3, 4]);
});

test('a human label survives a --force re-run, marked stale only if the prediction changed', async () => {
  const { root, cache } = await folder();
  const model = await tinyModel('clip');
  assert.equal((await cli(['classify', root, '--model', model, '--cache-dir', cache])).code, 0);
  const red = path.join(root, 'colours/red.png');
  const blue = path.join(root, 'colours/blue.png');
  const rv = await cli(['review', red, '--label', 'yellow', '--note', 'looks warm', '--by', 'tess']);
  assert.equal(rv.code, 0, rv.err);
  assert.equal((await cli(['review', blue, '--accept', '--by', 'tess'])).code, 0);
  const forced = await cli(['classify', root, '--model', model, '--cache-dir', cache, '--force', '--json']);
  assert.equal(jsonLine(forced.out).classified, COLOURS.length + 3);
  const sc = await readSidecar(red);
  assert.deepEqual([sc!.review.status, sc!.review.labels, sc!.review.by, sc!.review.note], ['overridden', ['yellow'], 'tess', 'looks warm']);
  assert.equal((await readSidecar(blue))!.review.status, 'accepted');
  // Editing the categories changes the basis of every decision: reviewed images become stale, labels kept.
  const cats = JSON.parse(await fs.readFile(path.join(root, 'categories.json'), 'utf8'));
  cats.categories[0].description = 'a crimson image';
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify(cats));
  await cli(['classify', root, '--model', model, '--cache-dir', cache]);
  const after = await readSidecar(red);
  assert.deepEqual([after!.review.status, after!.review.labels], ['stale', ['yellow']]);
});

test('review refuses unknown labels and images without sidecars, and show prints the decision', async () => {
  const { root, cache } = await folder();
  await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', cache]);
  const red = path.join(root, 'colours/red.png');
  const r = await cli(['review', red, '--label', 'crimson']);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown category "crimson"/);
  const none = await cli(['review', path.join(root, 'missing.png'), '--reject']);
  assert.equal(none.code, 2);
  assert.match(none.err, /no sidecar/);
  await cli(['review', red, '--reject', '--note', 'not a product']);
  const show = await cli(['show', red]);
  assert.equal(show.code, 0);
  assert.match(show.out, /review: rejected/);
  assert.match(show.out, /checkpoint .*model/);
  assert.match(show.out, /uncalibrated/);
});

test('usage and categories errors exit 1 and write nothing', async () => {
  const { root, cache } = await folder();
  const model = await tinyModel('clip');
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: [{ name: 'red', description: 'red' }] }));
  const one = await cli(['classify', root, '--model', model, '--cache-dir', cache]);
  assert.equal(one.code, 1);
  assert.match(one.err, /at least two|yes\/no|not_/i);
  const noCats = await cli(['classify', root, '--categories', path.join(root, 'nope.json'), '--model', model]);
  assert.equal(noCats.code, 1);
  assert.match(noCats.err, /nope\.json not found/);
  assert.equal((await cli(['classify', root, '--dtype', 'int3'])).code, 1);
  assert.equal((await cli(['classify'])).code, 1);
  assert.equal((await cli(['frobnicate'])).code, 1);
  const missingModel = await cli(['classify', root, '--model', path.join(root, 'no-model'), '--categories', path.join(root, 'categories.json')]);
  assert.equal(missingModel.code, 1);
  const all = await fs.readdir(root, { recursive: true });
  assert.equal(all.filter((f) => String(f).endsWith('.labels.json')).length, 0, 'nothing written');
});

test('an unreadable file fails alone when run as an unprivileged user (real EACCES)', { timeout: 120_000 }, async () => {
  const { root, cache } = await folder();
  const secret = path.join(root, 'photos/secret.png');
  await fs.writeFile(secret, await solidColorPng('red', 32));
  const model = await tinyModel('clip');
  const cli = path.resolve(__dirname, '../../../dist/cli.js');
  await fs.access(cli);
  let opts: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    // Root reads everything: run the CLI as 'nobody' so the permission check is real.
    opts = { uid: 65534, gid: 65534 };
    for (const d of [root, cache, path.dirname(model)]) spawnSync('chmod', ['-R', 'a+rwX', d]);
  }
  await fs.chmod(secret, 0o000);
  const r = spawnSync(process.execPath, [cli, 'classify', root, '--model', model, '--cache-dir', cache, '--json'], { ...opts, encoding: 'utf8', env: { ...process.env, HOME: cache } });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stdout, /secret\.png: cannot read image: .*(EACCES|permission denied)/i);
  const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual([s.classified, s.failed], [COLOURS.length + 3, 1]);
});

test('--lanes 1 and the default two lanes give the same labels; --lanes 0 is a usage error naming the range', async () => {
  const { root, cache } = await folder();
  const model = await tinyModel('clip');
  const labels = async () =>
    Object.fromEntries(
      await Promise.all(COLOURS.map(async (c, i) => [c, (await sidecarOf(root, `${i % 2 ? 'colours/nested' : 'colours'}/${c}.png`))!.predictions['zero-shot']!.predicted_categories.map((p) => p.name)])),
    );
  const one = await cli(['classify', root, '--model', model, '--json', '--cache-dir', cache, '--batch', '2', '--threads', '2', '--lanes', '1', '--device', 'cpu']);
  assert.equal(one.code, 0, one.err);
  const first = await labels();
  assert.deepEqual(first, Object.fromEntries(COLOURS.map((c) => [c, [c]])));
  // A fresh cache, so every image is encoded again, by two lanes this time.
  const two = await cli(['classify', root, '--model', model, '--json', '--cache-dir', await tempDir('cli-cache-'), '--batch', '2', '--threads', '2', '--lanes', '2', '--device', 'cpu', '--force']);
  assert.equal(two.code, 0, two.err);
  assert.equal(jsonLine(two.out).classified, COLOURS.length + 3);
  assert.deepEqual(await labels(), first);
  const bad = await cli(['classify', root, '--model', model, '--lanes', '0']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--lanes must be an integer from 1 to 16/);
});
