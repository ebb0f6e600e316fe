// A panel opened from the summary index: the grid's summaries at once, the full sidecars behind them.
// What the reviewer sees is never older than the disk once loaded, a change seen meanwhile (the
// watcher, a write) is kept, and messages that need sidecars wait for them while the grid's do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { Endpoint } from '../../../src/extension/panel/endpoint';
import { openWithIndex, summaryIndexPath, type QuickOpen } from '../../../src/core/summaryIndex';
import { indexFolder } from '../../../src/core/folderIndex';
import { summarizeFolder } from '../../../src/core/imageSummary';
import { applyReview } from '../../../src/core/sidecar';
import { readSidecar, updateSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import type { HostMessage } from '../../../src/shared/protocol';
import { COLOURS, prediction, sidecarWith } from './fixtures';

const cats = COLOURS.map((name) => ({ name, description: name }));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function folder(): Promise<{ root: string; store: string }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'it-quick-'));
  for (let i = 0; i < 6; i++) {
    const f = path.join(root, `img${i}.png`);
    await fs.writeFile(f, `not really a png ${i}`);
    if (i < 5) await writeSidecar(f, sidecarWith(`img${i}.png`, prediction(COLOURS[i % 3], 0.8)));
  }
  return { root, store: mkdtempSync(path.join(os.tmpdir(), 'it-quick-store-')) };
}

/** A QuickOpen whose full() waits until the test releases it. */
function held(q: QuickOpen): { quick: QuickOpen; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { quick: { ...q, full: async () => (await gate, q.full()) }, release };
}

test('the grid has every summary before the sidecars are in, and the same ones after', async () => {
  const { root, store } = await folder();
  const file = summaryIndexPath(store, root);
  await (await openWithIndex(root, file)).full(); // a first open saved the index
  const { quick, release } = held(await openWithIndex(root, file));
  assert.equal(quick.fromIndex, 5);
  const s = ReviewSession.fromIndex(root, cats, 'single_label', 'tester', quick, (e) => assert.fail(e));
  const truth = summarizeFolder(await indexFolder(root));
  assert.deepEqual(s.summaries().sort((a, b) => (a.id < b.id ? -1 : 1)), truth);
  assert.equal(s.get('img0.png')!.sidecar, null, 'not read yet');
  release();
  assert.deepEqual(await s.ready, [], 'nothing changed between the index and the disk');
  assert.equal(s.get('img0.png')!.sidecar!.image.name, 'img0.png');
  assert.deepEqual(s.summaries().sort((a, b) => (a.id < b.id ? -1 : 1)), truth);
  const out = await s.decide([{ id: 'img1.png', rev: s.summary('img1.png')!.rev }], { action: 'accept' });
  assert.deepEqual(out.conflicts, []);
  assert.equal((await readSidecar(path.join(root, 'img1.png')))!.review.status, 'accepted');
});

test('a summary the disk contradicts is corrected when the sidecars arrive, and named for an upsert', async () => {
  const { root, store } = await folder();
  const q = await openWithIndex(root, summaryIndexPath(store, root));
  const lying = { ...q, summaries: q.summaries.map((x) => (x.id === 'img2.png' ? { ...x, predicted: ['blue'], status: 'accepted' as const } : x)) };
  const s = ReviewSession.fromIndex(root, cats, 'single_label', 'tester', lying, (e) => assert.fail(e));
  assert.equal(s.summary('img2.png')!.status, 'accepted');
  assert.deepEqual(await s.ready, ['img2.png']);
  assert.equal(s.summary('img2.png')!.status, 'pending');
  assert.deepEqual(s.summary('img2.png')!.predicted, [COLOURS[2]]);
});

test('a sidecar re-read by the watcher while loading keeps the newer version', async () => {
  const { root, store } = await folder();
  const q = await openWithIndex(root, summaryIndexPath(store, root));
  const before = await indexFolder(root); // what a slow full read brings: the version before the change
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const s = ReviewSession.fromIndex(root, cats, 'single_label', 'tester', { ...q, full: async () => (await gate, before) }, (e) => assert.fail(e));
  const img = path.join(root, 'img3.png');
  await updateSidecar(img, async (cur) => applyReview(cur!, { action: 'label', labels: ['blue'] }, { by: 'cli' }));
  const fresh = await s.refreshFromDisk(img + '.labels.json');
  assert.equal(fresh!.status, 'overridden');
  release();
  await s.ready;
  assert.equal(s.summary('img3.png')!.status, 'overridden', 'the watcher’s newer read is kept');
  assert.equal(s.summary('img4.png')!.status, 'pending');
  assert.ok(s.get('img4.png')!.sidecar, 'the others are filled in');
});

test('requests and commands that need sidecars wait for them; the grid’s own messages do not', async () => {
  const { root } = await folder();
  const session = new ReviewSession(root, cats, 'single_label', 'tester', await indexFolder(root));
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const order: string[] = [];
  const posted: HostMessage[] = [];
  const ep = new Endpoint({
    known: () => ({ image: (id) => session.has(id), category: (n) => COLOURS.includes(n) }),
    requests: { requestDetail: async (m: { id: string }) => (order.push(`detail ${m.id}`), { id: m.id, sidecar: null, src: '', sidecarError: null }) } as never,
    commands: { ready: () => order.push('ready'), requestThumbs: () => order.push('thumbs'), openSidecar: () => undefined, startAudit: () => order.push('audit'), exportReport: () => undefined, exportDataset: () => undefined },
    post: (m) => posted.push(m),
    log: quiet,
    where: () => root,
    gate: () => gate,
  });
  const detail = ep.receive({ type: 'requestDetail', requestId: 1, id: 'img0.png' });
  const audit = ep.receive({ type: 'startAudit' });
  await ep.receive({ type: 'ready' });
  await ep.receive({ type: 'requestThumbs', ids: ['img0.png'] });
  assert.deepEqual(order, ['ready', 'thumbs']);
  assert.equal(posted.length, 0, 'the detail is not answered before the sidecars are in');
  open();
  await Promise.all([detail, audit]);
  assert.deepEqual(order.slice(2).sort(), ['audit', 'detail img0.png']);
  assert.equal(posted.length, 1);
});
