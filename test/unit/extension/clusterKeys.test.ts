// The Clusters view's keys and bulk decisions in the webview, without a DOM: which key does what, the
// decision each makes on a cluster's unreviewed images (multi-label toggles like the grid), and that a
// cluster decision goes out as the grid's `decide` and is undone by the panel's one undo stack.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSummary, ReviewCluster, WebviewMessage, WriteResult } from '../../../src/shared/protocol';
import { bulkDecision, clusterKeyAction, pendingIds } from '../../../webview/clusterKeys';
import { Store } from '../../../webview/store';
import { summary } from './fixtures';

const sent: WebviewMessage[] = [];
(globalThis as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({ postMessage: (m: WebviewMessage) => sent.push(m), getState: () => undefined, setState: () => undefined });

const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
  clusterKeyAction({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
const cats = ['red', 'green', 'blue'].map((name) => ({ name, description: name }));
const cluster: ReviewCluster = { kind: 'fits', ids: ['a.png', 'b.png', 'c.png'], majority: ['red'], majorityCount: 2, cohesion: 0.9 };

test('keys: move between clusters, accept, label with 1–9, reject, undo/redo, add category, recompute, back to the grid', () => {
  assert.deepEqual(key('ArrowDown'), { kind: 'move', by: 1 });
  assert.deepEqual(key('k'), { kind: 'move', by: -1 });
  assert.deepEqual(key('Enter'), { kind: 'accept' });
  assert.deepEqual(key('a'), { kind: 'accept' });
  assert.deepEqual(key('3'), { kind: 'assign', index: 2 });
  assert.deepEqual(key('x'), { kind: 'reject' });
  assert.deepEqual(key('u'), { kind: 'undo' });
  assert.deepEqual(key('z', { ctrlKey: true }), { kind: 'undo' });
  assert.deepEqual(key('Z', { ctrlKey: true, shiftKey: true }), { kind: 'redo' });
  assert.deepEqual(key('n'), { kind: 'addCategory' });
  assert.deepEqual(key('r'), { kind: 'recompute' });
  assert.deepEqual(key('Escape'), { kind: 'grid' });
  assert.equal(key('3', { altKey: true }), null);
  assert.equal(key('a', { ctrlKey: true }), null);
});

test('bulk decisions act on the unreviewed images only; multi-label toggles N on all, or off when all have it', () => {
  const images = new Map<string, ImageSummary>([
    ['a.png', summary('a.png', { predicted: ['red'] })],
    ['b.png', summary('b.png', { predicted: ['red', 'blue'] })],
    ['c.png', summary('c.png', { predicted: ['green'], status: 'accepted', reviewLabels: ['green'] })],
  ]);
  assert.deepEqual(pendingIds(cluster, images), ['a.png', 'b.png']);
  assert.deepEqual(bulkDecision({ kind: 'accept' }, cluster, images, cats, 'single_label'), { decision: { action: 'label', labels: ['red'] }, ids: ['a.png', 'b.png'], label: 'accept "red" for 2 images' });
  assert.deepEqual(bulkDecision({ kind: 'reject' }, cluster, images, cats, 'single_label'), { decision: { action: 'reject' }, ids: ['a.png', 'b.png'], label: 'reject 2 images' });
  const decisionOf = (d: ReturnType<typeof bulkDecision>) => ('none' in d ? d : d.decision);
  assert.deepEqual(decisionOf(bulkDecision({ kind: 'assign', index: 2 }, cluster, images, cats, 'multi_label')), { action: 'toggle', label: 'blue', on: true });
  assert.deepEqual(decisionOf(bulkDecision({ kind: 'assign', index: 0 }, cluster, images, cats, 'multi_label')), { action: 'toggle', label: 'red', on: false }, 'both have red: off');
  assert.deepEqual(decisionOf(bulkDecision({ kind: 'accept' }, { ...cluster, kind: 'nofit', majority: [] }, images, cats, 'single_label')), { action: 'label', labels: [] });
});

test('a cluster decision is the grid decide request; u undoes it through the same undo stack', async () => {
  const { Actions } = await import('../../../webview/actions');
  const { Rpc } = await import('../../../webview/rpc');
  const store = new Store();
  store.init({ folderName: 'f', categoriesSource: 'c', mode: 'single_label', categories: cats, images: cluster.ids.map((id) => summary(id, { predicted: ['red'], rev: `r-${id}` })), thumbnailSize: 160, run: { state: 'idle', done: 0, total: 0 } });
  const rpc = new Rpc((m) => sent.push(m));
  after(() => rpc.dispose());
  const actions = new Actions(store, { show: () => undefined } as never, () => undefined, rpc);
  sent.length = 0;
  const d = bulkDecision({ kind: 'accept' }, cluster, store.images, cats, 'single_label');
  assert.ok(!('none' in d));
  actions.decideFor(d.decision, d.ids, d.label);
  const req = sent.at(-1) as Extract<WebviewMessage, { type: 'decide' }>;
  assert.equal(req.type, 'decide');
  assert.deepEqual(req.targets, cluster.ids.map((id) => ({ id, rev: `r-${id}` })));
  rpc.onResponse({ type: 'response', requestId: req.requestId, ok: true, result: { changeId: 7, conflicts: [] } satisfies WriteResult });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(store.undo.peekUndo(), { changeId: 7, label: 'accept "red" for 3 images', ids: cluster.ids });
  actions.undo();
  assert.deepEqual(sent.at(-1), { type: 'undo', changeId: 7, requestId: (sent.at(-1) as { requestId: number }).requestId });
});
