// The Clusters view end to end on the host, with the webview's own bulk-decision rule: clusters of the
// unreviewed images from the embedding store (k-means in the worker thread), a cluster accepted or
// labelled in one `decide` through the review session (sidecars written through the store), undone
// byte for byte; reviewed images are never in a cluster nor touched; "Add category…" writes the file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddingCache } from '../../../src/classifiers/zeroShot/embeddingCache';
import { indexFolder } from '../../../src/core/folderIndex';
import { applyReview } from '../../../src/core/sidecar';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { clusterHandlers } from '../../../src/extension/panel/clusterRequests';
import { bulkDecision } from '../../../webview/clusterKeys';
import type { ImageSummary, WebviewMessageOf } from '../../../src/shared/protocol';
import { COLOURS, prediction, sidecarWith } from './fixtures';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const quiet = { info: () => undefined, warn: () => undefined };
const KEY = { model: 'tiny-clip', revision: 'local', dtype: 'fp32' };

/** image → [predicted colour or null (fits none), embedding axis]; `human.png` is reviewed already. */
const IMAGES: Record<string, [string | null, number]> = {
  'r0.png': ['red', 0],
  'r1.png': ['red', 0],
  'r2.png': ['red', 0],
  'r3.png': ['green', 0], // looks red, predicted green: the cluster's accept overrides it
  'human.png': ['red', 0],
  'g0.png': ['green', 1],
  'g1.png': ['green', 1],
  'y0.png': [null, 2],
  'y1.png': [null, 2],
};

async function folder() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'it-clusters-'));
  const storage = mkdtempSync(path.join(os.tmpdir(), 'it-clusters-store-'));
  dirs.push(root, storage);
  const cache = new EmbeddingCache(path.join(storage, 'embeddings'), KEY, 3);
  let n = 0;
  for (const [file, [colour, axis]] of Object.entries(IMAGES)) {
    const p = path.join(root, file);
    await fs.writeFile(p, `image ${file}`);
    const sha = (++n).toString(16).padStart(64, '0');
    let sc = sidecarWith(file, prediction(colour, 0.8));
    sc.image.sha256 = sha;
    if (file === 'human.png') sc = applyReview(sc, { action: 'label', labels: ['blue'] }, { by: 'someone' });
    await writeSidecar(p, sc);
    const v = [0, 0, 0];
    v[axis] = 1;
    cache.put(sha, Float32Array.from(v));
  }
  await cache.flush();
  await fs.writeFile(path.join(root, 'categories.json'), '// shop\n{\n  "mode": "single_label",\n  "categories": [\n    { "name": "red", "description": "red" },\n    { "name": "green", "description": "green" },\n    { "name": "blue", "description": "blue" }\n  ]\n}\n');
  const session = new ReviewSession(root, COLOURS.map((name) => ({ name, description: name })), 'single_label', 'tester', await indexFolder(root));
  let rescored = 0;
  const handlers = clusterHandlers({
    session,
    storageDir: storage,
    log: quiet,
    categoriesFile: async () => path.join(root, 'categories.json'),
    display: (f) => path.basename(f),
    rescore: () => ++rescored > 0,
  });
  const texts = async () => Object.fromEntries(await Promise.all(Object.keys(IMAGES).map(async (f) => [f, await fs.readFile(path.join(root, `${f}.labels.json`), 'utf8')] as const)));
  const summaries = () => new Map<string, ImageSummary>(session.summaries().map((s) => [s.id, s]));
  return { root, session, handlers, texts, summaries, rescored: () => rescored };
}

const ask = <T extends 'requestClusters' | 'addCategory'>(type: T, rest: object) => ({ type, requestId: 1, ...rest }) as unknown as WebviewMessageOf<T>;

test('clusters of the unreviewed images: a bulk accept through the same decide path, undone byte for byte', async () => {
  const f = await folder();
  const r = await f.handlers.requestClusters(ask('requestClusters', {}));
  assert.equal(r.clustered, 8, 'the reviewed image is not clustered');
  assert.equal(r.clusters.length, 3);
  assert.equal(r.unembedded, 0);
  assert.ok(r.clusters.every((c) => !c.ids.includes('human.png')));
  const reds = r.clusters.find((c) => c.ids.includes('r0.png'))!;
  assert.equal(reds.kind, 'fits');
  assert.deepEqual([...reds.ids].sort(), ['r0.png', 'r1.png', 'r2.png', 'r3.png']);
  assert.deepEqual(reds.majority, ['red']);
  assert.equal(reds.majorityCount, 3);
  const none = r.clusters.find((c) => c.ids.includes('y0.png'))!;
  assert.equal(none.kind, 'nofit', 'images that fit no category are clustered apart');
  assert.deepEqual([...none.ids].sort(), ['y0.png', 'y1.png']);
  // The same clusters again (seeded).
  assert.deepEqual((await f.handlers.requestClusters(ask('requestClusters', {}))).clusters, r.clusters);

  const before = await f.texts();
  const d = bulkDecision({ kind: 'accept' }, reds, f.summaries(), f.session.categories, 'single_label');
  assert.ok(!('none' in d));
  assert.deepEqual(d.decision, { action: 'label', labels: ['red'] });
  const all = f.summaries();
  const out = await f.session.decide(d.ids.map((id) => ({ id, rev: all.get(id)!.rev })), d.decision);
  assert.deepEqual(out.conflicts, []);
  for (const id of ['r0.png', 'r1.png', 'r2.png', 'r3.png']) {
    const sc = (await readSidecar(path.join(f.root, id)))!;
    assert.deepEqual(sc.review.labels, ['red']);
    assert.equal(sc.review.status, id === 'r3.png' ? 'overridden' : 'accepted', id);
    assert.equal(sc.review.by, 'tester');
  }
  const after = await f.texts();
  assert.equal(after['human.png'], before['human.png'], 'the human decision is not touched');
  assert.equal(after['y0.png'], before['y0.png']);
  // Nothing left to decide in that cluster.
  assert.ok('none' in bulkDecision({ kind: 'accept' }, reds, f.summaries(), f.session.categories, 'single_label'));

  const undone = await f.session.undo(out.changeId!);
  assert.deepEqual(undone.conflicts, []);
  assert.deepEqual(await f.texts(), before, 'undo restores every sidecar exactly');
});

test('a number key labels the whole cluster; an image decided elsewhere since is a conflict, not overwritten', async () => {
  const f = await folder();
  const r = await f.handlers.requestClusters(ask('requestClusters', {}));
  const none = r.clusters.find((c) => c.kind === 'nofit')!;
  const seen = f.summaries();
  const d = bulkDecision({ kind: 'assign', index: 2 }, none, seen, f.session.categories, 'single_label');
  assert.ok(!('none' in d));
  assert.deepEqual(d.decision, { action: 'label', labels: ['blue'] });
  // The CLI rejects y1 meanwhile: the panel's view of it is out of date.
  const y1 = path.join(f.root, 'y1.png');
  await writeSidecar(y1, applyReview((await readSidecar(y1))!, { action: 'reject' }, { by: 'cli' }));
  const out = await f.session.decide(d.ids.map((id) => ({ id, rev: seen.get(id)!.rev })), d.decision);
  assert.deepEqual(out.conflicts, ['y1.png']);
  assert.deepEqual((await readSidecar(path.join(f.root, 'y0.png')))!.review.labels, ['blue']);
  const kept = (await readSidecar(y1))!.review;
  assert.equal(kept.status, 'rejected');
  assert.equal(kept.by, 'cli');
  assert.ok('none' in bulkDecision({ kind: 'assign', index: 7 }, none, f.summaries(), f.session.categories, 'single_label'), 'no category 8');
});

test('Add category: written into categories.json (comments kept), refusals name the rule, then a re-score', async () => {
  const f = await folder();
  const file = path.join(f.root, 'categories.json');
  const res = await f.handlers.addCategory(ask('addCategory', { name: 'yellow', description: 'an image that is yellow' }));
  assert.deepEqual(res, { file: 'categories.json', categories: 4, warnings: [], rescoring: true });
  assert.equal(f.rescored(), 1);
  const text = await fs.readFile(file, 'utf8');
  assert.ok(text.startsWith('// shop\n'));
  assert.match(text, /\{ "name": "blue", "description": "blue" \},\n {4}\{ "name": "yellow", "description": "an image that is yellow" \}\n {2}\]/);
  await assert.rejects(Promise.resolve(f.handlers.addCategory(ask('addCategory', { name: 'Yellow', description: 'x' }))), (e: Error & { code?: string }) => e.code === 'invalid' && /duplicates/.test(e.message));
  assert.equal(await fs.readFile(file, 'utf8'), text);
  assert.equal(f.rescored(), 1);
});
