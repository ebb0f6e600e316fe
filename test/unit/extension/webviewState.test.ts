// The webview's state and decision logic without a DOM: the store, and the actions with a stand-in
// for the VS Code API (what they would post to the host).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../webview/store';
import { accessibleName } from '../../../webview/card';
import type { PanelInit, WebviewMessage, WriteResult } from '../../../src/shared/protocol';
import { summary } from './fixtures';

const sent: WebviewMessage[] = [];
(globalThis as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({
  postMessage: (m: WebviewMessage) => sent.push(m),
  getState: () => undefined,
  setState: () => undefined,
});

function init(mode: 'single_label' | 'multi_label' = 'single_label'): Store {
  const s = new Store();
  const p: PanelInit = {
    folderName: 'photos',
    categoriesSource: 'categories.json',
    mode,
    categories: ['red', 'green', 'blue'].map((name) => ({ name, description: name })),
    images: [
      summary('a.png', { predicted: ['red'], rev: 'ra' }),
      summary('b.png', { predicted: ['green'], rev: 'rb' }),
      summary('c.png', { classified: false, predicted: [], rev: 'none' }),
    ],
    thumbnailSize: 160,
    run: { state: 'idle', done: 0, total: 0 },
  };
  s.init(p);
  return s;
}

async function actionsFor(store: Store) {
  const { Actions } = await import('../../../webview/actions');
  const { Rpc } = await import('../../../webview/rpc');
  const shown: string[] = [];
  const focused: string[] = [];
  const rpc = new Rpc((m) => sent.push(m));
  after(() => rpc.dispose());
  const a = new Actions(store, { show: (_l: string, text: string) => shown.push(text) } as never, (id) => focused.push(id), rpc);
  sent.length = 0;
  /** The host's answer to a request, then whatever the webview does with it. */
  const reply = async (requestId: number, result: WriteResult) => {
    assert.ok(rpc.onResponse({ type: 'response', requestId, ok: true, result }), `request ${requestId} was waiting`);
    await new Promise((r) => setImmediate(r));
  };
  return { a, shown, focused, reply };
}

test('init focuses the first image; an external change is marked only when the review changed', () => {
  const s = init();
  assert.equal(s.selection.focus, 'a.png');
  s.upsert([summary('a.png', { predicted: ['red'], rev: 'ra' })], true);
  assert.equal(s.changedOnDisk.size, 0);
  s.upsert([summary('a.png', { predicted: ['red'], status: 'rejected', rev: 'ra2' })], true);
  assert.ok(s.changedOnDisk.has('a.png'));
  s.setFilter({ status: 'pending' });
  assert.deepEqual(s.order, ['b.png', 'c.png']);
  assert.equal(s.selection.focus, 'b.png', 'focus moves to the image that took its place');
});

test('accept sends the revs the view saw; unclassified images are left out', async () => {
  const s = init();
  const { a, shown } = await actionsFor(s);
  s.selection = { focus: 'a.png', anchor: 'a.png', selected: new Set(['a.png', 'c.png']) };
  a.accept();
  assert.deepEqual(sent, [{ type: 'decide', requestId: 1, decision: { action: 'accept' }, targets: [{ id: 'a.png', rev: 'ra' }] }]);
  assert.match(shown[0], /without a prediction left out/);
});

test('number keys: a label in single_label mode, a toggle in multi_label mode', async () => {
  const single = init();
  let { a } = await actionsFor(single);
  a.assign(2);
  assert.deepEqual((sent[0] as { decision: unknown }).decision, { action: 'label', labels: ['blue'] });
  const multi = init('multi_label');
  ({ a } = await actionsFor(multi));
  a.assign(0); // a.png has red → remove it
  assert.deepEqual((sent[0] as { decision: unknown }).decision, { action: 'toggle', label: 'red', on: false });
  const none = await actionsFor(multi);
  none.a.assign(8);
  assert.equal(sent.length, 0, 'no category 9: nothing sent');
  assert.match(none.shown[0], /no category 9/);
});

test('undo waits for the decision in flight, then undoes exactly that change', async () => {
  const s = init();
  const { a, focused, reply } = await actionsFor(s);
  a.reject(); // request 1
  a.undo(); // must wait: the reject is not answered yet
  assert.equal(sent.length, 1);
  await reply(1, { changeId: 7, conflicts: [] });
  assert.deepEqual(sent[1], { type: 'undo', requestId: 2, changeId: 7 });
  await reply(2, { changeId: 7, conflicts: [] });
  assert.equal(s.undo.canUndo, false);
  assert.equal(s.undo.peekRedo()?.changeId, 7);
  assert.deepEqual(focused, ['a.png'], 'the undone image is focused');
});

test('a conflict is reported and the refused undo step is dropped', async () => {
  const s = init();
  const { a, shown, reply } = await actionsFor(s);
  a.accept();
  await reply(1, { conflicts: ['a.png'] });
  assert.match(shown.at(-1)!, /changed on disk/);
  assert.equal(s.undo.canUndo, false, 'nothing was written, nothing to undo');
  a.reject();
  await reply(2, { changeId: 3, conflicts: [] });
  a.undo();
  await reply(3, { changeId: 3, conflicts: ['a.png'] });
  assert.match(shown.at(-1)!, /Cannot undo/);
  assert.equal(s.undo.canUndo, false);
});

test('cards have an accessible name that says label, confidence and status', () => {
  assert.equal(accessibleName(summary('a.png', { predicted: ['red'] })), 'a.png, red, high confidence, pending');
  assert.equal(
    accessibleName(summary('b.png', { predicted: ['red'], status: 'overridden', reviewLabels: ['blue'], confidence: 'low', error: 'x' })),
    'b.png, blue, predicted red, low confidence, overridden, has an error',
  );
});
