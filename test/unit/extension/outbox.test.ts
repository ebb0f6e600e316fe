// Nothing the host sends before the webview is ready is lost: queued, with only the latest of the
// state notifications, and `init` standing in for the image and run updates it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from '../../../src/extension/panel/outbox';
import type { HostMessage, PanelInit } from '../../../src/shared/protocol';
import { summary } from './fixtures';

const run = (done: number): HostMessage => ({ type: 'run', run: { state: 'running', done, total: 10 } });
const init = (done: number): HostMessage => ({
  type: 'init',
  init: { folderName: 'f', categoriesSource: 's', mode: 'single_label', categories: [], images: [], thumbnailSize: 160, run: { state: 'running', done, total: 10 } } satisfies PanelInit,
});

test('before ready: notices and view switches are kept in order, state only as its latest', () => {
  const out: HostMessage[] = [];
  const box = new Outbox((m) => out.push(m));
  box.post({ type: 'audit', audit: null });
  box.post({ type: 'showView', view: 'audit' });
  box.post(run(1));
  box.post({ type: 'notice', level: 'info', text: 'one' });
  box.post(run(2));
  box.post({ type: 'audit', audit: { sampleId: 's1', seed: 1, population: 3, items: [], done: 0 } });
  box.post({ type: 'notice', level: 'info', text: 'two' });
  box.post({ type: 'response', requestId: 3, ok: true, result: null });
  assert.equal(out.length, 0, 'nothing is sent before ready');
  box.openNow();
  assert.deepEqual(out.map((m) => m.type), ['showView', 'notice', 'run', 'audit', 'notice', 'response']);
  assert.equal((out[2] as Extract<HostMessage, { type: 'run' }>).run.done, 2, 'the latest run state');
  assert.equal((out[3] as Extract<HostMessage, { type: 'audit' }>).audit?.sampleId, 's1', 'the latest audit state');
  box.post(run(3));
  assert.equal(out.length, 7, 'after ready, messages go straight out');
});

test('init stands in for the image updates and run states queued before it', () => {
  const out: HostMessage[] = [];
  const box = new Outbox((m) => out.push(m));
  box.post({ type: 'upsert', images: [summary('a.png')], external: false });
  box.post(run(4));
  box.post({ type: 'remove', ids: ['b.png'] });
  box.post({ type: 'notice', level: 'warning', text: 'kept' });
  box.post(init(5));
  box.post({ type: 'upsert', images: [summary('c.png')], external: false });
  box.openNow();
  assert.deepEqual(out.map((m) => m.type), ['notice', 'init', 'upsert']);
});
