// The panel's search and live re-scoring on the host, on a folder classified by the CLI with the
// generated tiny CLIP model: search ranks the reds first for "red" (the CLI's ranking), "more like
// this" ranks by an image, unembedded images are reported; a description edited in the panel is
// previewed exactly as `classify --force` with that description would label the images, Discard writes
// nothing, Apply writes what classify writes (reviews marked stale, human labels kept, the
// categories file's comments kept), Cancel stops part-way; saving categories.json previews it too.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { indexFolder } from '../../../src/core/folderIndex';
import { parseCategories } from '../../../src/core/categories';
import { applyReview, predictedLabels } from '../../../src/core/sidecar';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { FolderModel } from '../../../src/extension/panel/folderModel';
import { RescorePreviewer, type RescoreHost } from '../../../src/extension/panel/rescorePreview';
import { searchFolder } from '../../../src/extension/panel/search';
import { parseWebviewMessage } from '../../../src/shared/validate';
import type { HostMessage } from '../../../src/shared/protocol';
import type { RescorePreview } from '../../../src/shared/exploreData';
import { createZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import type { Dtype } from '../../../src/classifiers/config';

const COLOURS = ['red', 'green', 'blue', 'yellow'];
const dirs: string[] = [];
const models: FolderModel[] = [];
after(async () => {
  for (const m of models) m.dispose();
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});
const quiet = { info: () => undefined, warn: () => undefined };
const CATEGORIES = `{
  // colours, one description each
  "mode": "single_label",
  "categories": [
${COLOURS.map((c) => `    { "name": "${c}", "description": "a ${c} image" }`).join(',\n')}
  ],
  "templates": ["{description}"]
}
`;

async function classified(): Promise<{ root: string; cache: string }> {
  const root = await tempDir('explore-');
  const cache = await tempDir('explore-cache-');
  dirs.push(root, cache);
  await fs.mkdir(path.join(root, 'sub'));
  for (const [i, c] of COLOURS.entries()) {
    await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 40 + i));
    await fs.writeFile(path.join(root, `sub/${c}2.png`), await solidColorPng(c, 60 + i));
  }
  await fs.writeFile(path.join(root, 'categories.json'), CATEGORIES);
  const r = await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', cache]);
  assert.equal(r.code, 0, r.err);
  return { root, cache };
}

async function panelHost(root: string, cache: string, opts: { cancelAfter?: number } = {}) {
  const indexed = await indexFolder(root);
  const set = parseCategories(await fs.readFile(path.join(root, 'categories.json'), 'utf8')).set;
  const session = new ReviewSession(root, set.categories.map((c) => ({ ...c })), set.mode, 'tester', indexed);
  let loads = 0;
  const model = new FolderModel(cache, (key, dir) => {
    loads++;
    return createZeroShotClassifier({ kind: 'zero-shot', model: key.model, dtype: key.dtype as Dtype, cacheDir: dir });
  });
  models.push(model);
  const posted: HostMessage[] = [];
  let ownWriting = 0;
  const host: RescoreHost = {
    session,
    model,
    log: quiet,
    post: (m) => posted.push(structuredClone(m)),
    savedCategories: async () => {
      const file = path.join(root, 'categories.json');
      return { file, set: parseCategories(await fs.readFile(file, 'utf8'), file).set };
    },
    withProgress: (_title, fn) => {
      const ac = new AbortController();
      return fn((done) => {
        if (opts.cancelAfter !== undefined && done >= opts.cancelAfter) ac.abort();
      }, ac.signal);
    },
    ownWrites: async (fn) => {
      ownWriting++;
      try {
        return await fn();
      } finally {
        ownWriting--;
      }
    },
    categoriesChanged: (s) => session.setCategories(s.categories.map((c) => ({ ...c }))),
  };
  return { session, model, posted, host, previewer: new RescorePreviewer(host), loads: () => loads, ownWriting: () => ownWriting };
}

const sidecarTexts = async (root: string) => {
  const out: Record<string, string> = {};
  for (const img of await indexFolder(root)) out[img.relPath] = await fs.readFile(img.path + '.labels.json', 'utf8');
  return out;
};
const labelsOf = async (root: string) => {
  const out: Record<string, string[]> = {};
  for (const img of await indexFolder(root)) out[img.relPath] = predictedLabels(img.sidecar?.predictions['zero-shot']);
  return out;
};

test('panel search: the reds first for "red", more like this, unembedded images reported, the model loaded once', async () => {
  const { root, cache } = await classified();
  await fs.writeFile(path.join(root, 'new-red.png'), await solidColorPng('red', 33));
  const h = await panelHost(root, cache);
  const red = await searchFolder(h.session, h.model, { text: 'red' }, 3);
  assert.equal(red.refused, undefined);
  assert.deepEqual(red.results.slice(0, 2).map((r) => r.id).sort(), ['red.png', 'sub/red2.png']);
  assert.ok(red.results[1].score > red.results[2].score, 'the reds score above everything else');
  assert.equal(red.searched, 8);
  assert.deepEqual([red.missing, red.missingCount], [['new-red.png'], 1]);
  // The same ranking as the CLI's.
  const c = JSON.parse((await cli(['search', root, 'red', '--top', '3', '--json', '--cache-dir', cache])).out);
  assert.deepEqual(red.results.map((r) => r.id), c.results.map((r: { path: string }) => r.path));
  const blue = await searchFolder(h.session, h.model, { text: 'blue' }, 1);
  assert.match(blue.results[0].id, /^(sub\/)?blue2?\.png$/);
  assert.equal(h.loads(), 1, 'the text tower is loaded once for both searches');
  const like = await searchFolder(h.session, h.model, { like: 'sub/green2.png' }, 2);
  assert.equal(like.results[0].id, 'green.png', 'the other green first, itself left out');
  assert.ok(!like.results.some((r) => r.id === 'sub/green2.png'));
  const noEmb = await searchFolder(h.session, h.model, { like: 'new-red.png' }, 2);
  assert.match(noEmb.refused ?? '', /new-red\.png has no cached embedding/);
});

test('panel search refuses a folder without zero-shot predictions, and the protocol refuses bad queries', async () => {
  const root = await tempDir('explore-none-');
  dirs.push(root);
  await fs.writeFile(path.join(root, 'a.png'), await solidColorPng('red', 20));
  const session = new ReviewSession(root, [], 'single_label', 'tester', await indexFolder(root));
  const model = new FolderModel(root, () => Promise.reject(new Error('must not load')));
  const r = await searchFolder(session, model, { text: 'red' }, 5);
  assert.match(r.refused ?? '', /classify the folder with a CLIP\/SigLIP model first/);
  const known = { image: (id: string) => id === 'a.png', category: (n: string) => n === 'red' };
  const code = (m: Record<string, unknown>) => {
    const p = parseWebviewMessage({ requestId: 1, ...m }, known);
    return p.ok ? 'ok' : p.code;
  };
  assert.equal(code({ type: 'search', query: { text: 'red' }, top: 5 }), 'ok');
  assert.equal(code({ type: 'search', query: { like: 'a.png' }, top: 5 }), 'ok');
  assert.equal(code({ type: 'search', query: { like: '../etc/passwd' }, top: 5 }), 'unknownImage');
  assert.equal(code({ type: 'search', query: { text: '   ' }, top: 5 }), 'invalid');
  assert.equal(code({ type: 'search', query: { text: 'x'.repeat(1001) }, top: 5 }), 'invalid');
  assert.equal(code({ type: 'search', query: { text: 'red', like: 'a.png' }, top: 5 }), 'invalid');
  assert.equal(code({ type: 'search', query: { text: 'red' }, top: 0 }), 'invalid');
  assert.equal(code({ type: 'previewDescription', name: 'red', description: 'a crimson thing' }), 'ok');
  assert.equal(code({ type: 'previewDescription', name: 'purple', description: 'a purple thing' }), 'invalid');
  assert.equal(code({ type: 'previewDescription', name: 'red', description: ' ' }), 'invalid');
  assert.equal(code({ type: 'applyRescore', previewId: -1 }), 'invalid');
  assert.equal(code({ type: 'discardRescore', previewId: 2, extra: 1 }), 'invalid');
});

test('a description edited in the panel: the preview is what classify would do; Discard writes nothing; Apply writes it', async () => {
  const { root, cache } = await classified();
  // A human decision the re-scoring must keep (and mark stale when its prediction changes).
  const reviewed = path.join(root, 'green.png');
  await writeSidecar(reviewed, applyReview((await readSidecar(reviewed))!, { action: 'accept' }, { by: 'tester' }));
  const h = await panelHost(root, cache);
  const before = await sidecarTexts(root);
  const labelsBefore = await labelsOf(root);
  const p = (await h.previewer.editDescription('red', 'a green image')) as RescorePreview;
  assert.ok(!('refused' in p));
  assert.equal(p.rescored, 8);
  assert.equal(p.missing, 0);
  assert.ok(p.changes.length > 0, 'some label changes');
  assert.deepEqual(h.posted.at(-1), { type: 'rescorePreview', preview: p });
  assert.deepEqual(await sidecarTexts(root), before, 'a preview writes nothing');

  // The truth: the CLI classifying a copy with the edited description.
  const copy = await tempDir('explore-copy-');
  dirs.push(copy);
  await fs.cp(root, copy, { recursive: true });
  await fs.writeFile(path.join(copy, 'categories.json'), CATEGORIES.replace('"a red image"', '"a green image"'));
  const r = await cli(['classify', copy, '--force', '--model', await tinyModel('clip'), '--cache-dir', cache]);
  assert.equal(r.code, 0, r.err);
  const truth = await labelsOf(copy);
  const expected = Object.keys(truth).filter((k) => truth[k].join() !== labelsBefore[k].join()).sort();
  assert.deepEqual(p.changes.map((c) => c.id).sort(), expected);
  for (const c of p.changes) assert.deepEqual([c.before, c.after], [labelsBefore[c.id], truth[c.id]], c.id);

  // Discard: nothing written, the preview gone.
  assert.equal(h.previewer.discard(p.previewId), null);
  assert.deepEqual(h.posted.at(-1), { type: 'rescorePreview', preview: null });
  assert.deepEqual(await sidecarTexts(root), before);
  assert.match((await h.previewer.apply(p.previewId)).refused ?? '', /out of date/, 'a discarded preview cannot be applied');

  // Apply: the same labels as classify, the categories file edited in place (comment kept).
  const q = (await h.previewer.editDescription('red', 'a green image')) as RescorePreview;
  const res = await h.previewer.apply(q.previewId);
  assert.deepEqual({ ...res }, { written: 8, changed: q.changes.length, stale: q.changes.some((c) => c.id === 'green.png') ? 1 : 0, skipped: 0, cancelled: false });
  assert.deepEqual(await labelsOf(root), truth);
  const file = await fs.readFile(path.join(root, 'categories.json'), 'utf8');
  assert.match(file, /\/\/ colours, one description each/);
  assert.match(file, /"name": "red", "description": "a green image"/);
  const sc = (await readSidecar(reviewed))!;
  assert.deepEqual(sc.review.labels, ['green'], 'the human label is kept');
  if (q.changes.some((c) => c.id === 'green.png')) assert.equal(sc.review.status, 'stale');
  assert.equal(sc.predictions['zero-shot']!.categories_hash, (await readSidecar(path.join(copy, 'green.png')))!.predictions['zero-shot']!.categories_hash);
  assert.ok(h.posted.some((m) => m.type === 'upsert' && !m.external && m.images.length === 8), 'the panel gets the new summaries');
  assert.equal(h.session.categories.find((c) => c.name === 'red')!.description, 'a green image');
  // Saved now: saving the same file again previews nothing.
  assert.equal(await h.previewer.fileSaved(), null);
});

test('categories.json saved in the editor previews the change; Apply can be cancelled part-way', async () => {
  const { root, cache } = await classified();
  const h = await panelHost(root, cache, { cancelAfter: 1 });
  await fs.writeFile(path.join(root, 'categories.json'), CATEGORIES.replace('"a blue image"', '"a yellow image"'));
  const p = await h.previewer.fileSaved();
  assert.ok(p && p.source === 'file' && !p.edit);
  assert.ok(p.changes.some((c) => c.id === 'blue.png'), JSON.stringify(p.changes));
  const res = await h.previewer.apply(p.previewId);
  assert.equal(res.cancelled, true);
  assert.ok(res.written >= 1 && res.written < 8, `written ${res.written}`);
  assert.equal(h.ownWriting(), 0);
  await fs.writeFile(path.join(root, 'categories.json'), '{ "categories": [');
  assert.equal(await h.previewer.fileSaved(), null);
  assert.match(JSON.stringify(h.posted.at(-1)), /cannot be used for a preview/);
});
