// The panel's host-side model against real sidecar files in a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReviewSession, DecisionError } from '../../../src/extension/panel/reviewSession';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { applyReview } from '../../../src/core/sidecar';
import type { Mode } from '../../../src/core/types';
import { COLOURS, prediction, sidecarWith } from './fixtures';

async function setup(mode: Mode = 'single_label') {
  const root = mkdtempSync(path.join(os.tmpdir(), 'it-session-'));
  const files = { r: path.join(root, 'r.png'), g: path.join(root, 'sub', 'g.png'), n: path.join(root, 'new.png') };
  await fs.mkdir(path.join(root, 'sub'));
  for (const f of Object.values(files)) await fs.writeFile(f, 'not really a png');
  await writeSidecar(files.r, sidecarWith('r.png', prediction('red', 0.9, { mode })));
  await writeSidecar(files.g, sidecarWith('g.png', prediction('green', 0.6, { mode })));
  const indexed = await Promise.all(
    Object.values(files).map(async (p) => ({ path: p, relPath: path.relative(root, p), size: 16, sidecar: await readSidecar(p) })),
  );
  const cats = COLOURS.map((name) => ({ name, description: `mostly ${name}` }));
  const session = new ReviewSession(root, cats, mode, 'tester', indexed);
  return { root, files, session };
}

test('knows its images by /-separated id and refuses unknown or escaping ids', async () => {
  const { session } = await setup();
  assert.equal(session.size, 3);
  assert.ok(session.has('sub/g.png'));
  assert.deepEqual(session.unknownIds(['r.png', '../r.png', 'nope.png', '/etc/passwd']), ['../r.png', 'nope.png', '/etc/passwd']);
  await assert.rejects(session.decide([{ id: '../x.png', rev: 'none' }], { action: 'reject' }), DecisionError);
});

test('accept, override and reject are written to disk at once', async () => {
  const { session, files } = await setup();
  const rev = (id: string) => session.summary(id)!.rev;
  let out = await session.decide([{ id: 'r.png', rev: rev('r.png') }], { action: 'accept' });
  assert.deepEqual(out.conflicts, []);
  assert.equal((await readSidecar(files.r))!.review.status, 'accepted');
  assert.deepEqual((await readSidecar(files.r))!.review.labels, ['red']);
  out = await session.decide([{ id: 'sub/g.png', rev: rev('sub/g.png') }], { action: 'label', labels: ['blue'] });
  const g = (await readSidecar(files.g))!.review;
  assert.equal(g.status, 'overridden');
  assert.deepEqual(g.labels, ['blue']);
  assert.equal(g.by, 'tester');
  assert.equal(out.updated[0].status, 'overridden');
  await session.decide([{ id: 'r.png', rev: rev('r.png') }], { action: 'reject' });
  const r = (await readSidecar(files.r))!.review;
  assert.equal(r.status, 'rejected');
  assert.deepEqual(r.labels, []);
  assert.equal(r.history.length, 2);
});

test('labelling an image that has no sidecar creates one; accepting it is refused', async () => {
  const { session, files } = await setup();
  await assert.rejects(session.decide([{ id: 'new.png', rev: 'none' }], { action: 'accept' }), /no prediction/);
  await session.decide([{ id: 'new.png', rev: 'none' }], { action: 'label', labels: ['green'] });
  const sc = (await readSidecar(files.n))!;
  assert.equal(sc.image.name, 'new.png');
  assert.equal(sc.image.sha256.length, 64);
  assert.deepEqual(sc.review.labels, ['green']);
});

test('unknown categories and two labels in single_label mode are refused', async () => {
  const { session } = await setup();
  const t = [{ id: 'r.png', rev: session.summary('r.png')!.rev }];
  await assert.rejects(session.decide(t, { action: 'label', labels: ['<img src=x onerror=alert(1)>'] }), /unknown category/);
  await assert.rejects(session.decide(t, { action: 'label', labels: ['red', 'blue'] }), /one label/);
  await assert.rejects(session.decide(t, { action: 'toggle', label: 'red', on: false }), /multi_label/);
});

test('toggle in multi_label mode adds to and removes from the current labels', async () => {
  const { session, files } = await setup('multi_label');
  const rev = () => session.summary('r.png')!.rev;
  await session.decide([{ id: 'r.png', rev: rev() }], { action: 'toggle', label: 'blue', on: true });
  assert.deepEqual((await readSidecar(files.r))!.review.labels.sort(), ['blue', 'red']);
  await session.decide([{ id: 'r.png', rev: rev() }], { action: 'toggle', label: 'red', on: false });
  const review = (await readSidecar(files.r))!.review;
  assert.deepEqual(review.labels, ['blue']);
  assert.equal(review.status, 'overridden');
});

test('undo restores the previous review exactly, redo re-applies it', async () => {
  const { session, files } = await setup();
  const before = (await readSidecar(files.r))!.review;
  const out = await session.decide([{ id: 'r.png', rev: session.summary('r.png')!.rev }], { action: 'reject' });
  const after = (await readSidecar(files.r))!.review;
  const undone = await session.undo(out.changeId!);
  assert.deepEqual(undone.conflicts, []);
  assert.deepEqual((await readSidecar(files.r))!.review, before);
  assert.equal(session.summary('r.png')!.status, 'pending');
  await session.redo(out.changeId!);
  assert.deepEqual((await readSidecar(files.r))!.review, after);
});

test('a bulk decision is one change; undo restores every image', async () => {
  const { session, files } = await setup();
  const targets = ['r.png', 'sub/g.png'].map((id) => ({ id, rev: session.summary(id)!.rev }));
  const out = await session.decide(targets, { action: 'label', labels: ['blue'] });
  assert.equal(out.updated.length, 2);
  await session.undo(out.changeId!);
  assert.equal((await readSidecar(files.r))!.review.status, 'pending');
  assert.equal((await readSidecar(files.g))!.review.status, 'pending');
});

test('a decision based on a stale view is not written and is reported as a conflict', async () => {
  const { session, files } = await setup();
  const seen = session.summary('r.png')!.rev;
  // Someone else (the CLI, git) changes the sidecar on disk.
  const external = applyReview((await readSidecar(files.r))!, { action: 'label', labels: ['green'] }, { by: 'cli' });
  await writeSidecar(files.r, external);
  const out = await session.decide([{ id: 'r.png', rev: seen }], { action: 'accept' });
  assert.deepEqual(out.conflicts, ['r.png']);
  assert.equal(out.changeId, undefined);
  const onDisk = (await readSidecar(files.r))!.review;
  assert.deepEqual(onDisk.labels, ['green']);
  assert.equal(onDisk.by, 'cli');
  // The reply carries what is on disk now, so the panel shows the external change.
  assert.equal(out.updated[0].status, 'overridden');
});

test('undo is refused, whole, when an image changed on disk since', async () => {
  const { session, files } = await setup();
  const targets = ['r.png', 'sub/g.png'].map((id) => ({ id, rev: session.summary(id)!.rev }));
  const out = await session.decide(targets, { action: 'accept' });
  const ext = applyReview((await readSidecar(files.g))!, { action: 'reject' }, { by: 'cli' });
  await writeSidecar(files.g, ext);
  const undone = await session.undo(out.changeId!);
  assert.deepEqual(undone.conflicts, ['sub/g.png']);
  assert.equal((await readSidecar(files.r))!.review.status, 'accepted', 'nothing restored');
  assert.equal((await readSidecar(files.g))!.review.status, 'rejected');
});

test('refreshFromDisk reports external changes once and ignores other files', async () => {
  const { session, files } = await setup();
  const sc = applyReview((await readSidecar(files.r))!, { action: 'reject' }, { by: 'cli' });
  await writeSidecar(files.r, sc);
  const changed = await session.refreshFromDisk(files.r + '.labels.json');
  assert.equal(changed!.status, 'rejected');
  assert.equal(await session.refreshFromDisk(files.r + '.labels.json'), null);
  assert.equal(await session.refreshFromDisk(path.join(os.tmpdir(), 'x.png.labels.json')), null);
  await fs.writeFile(files.r + '.labels.json', '{ broken');
  assert.match((await session.refreshFromDisk(files.r + '.labels.json'))!.error!, /corrupt/);
});

test('a sidecar appearing for an image the panel did not list adds the image', async () => {
  const { root, session } = await setup();
  const extra = path.join(root, 'late.png');
  await fs.writeFile(extra, 'png');
  await writeSidecar(extra, sidecarWith('late.png', prediction('blue')));
  const added = await session.refreshFromDisk(extra + '.labels.json');
  assert.equal(added!.id, 'late.png');
  assert.deepEqual(added!.predicted, ['blue']);
  assert.ok(session.has('late.png'));
  // Not for sidecars whose image is missing or not an image.
  await fs.writeFile(path.join(root, 'notes.txt.labels.json'), '{}');
  assert.equal(await session.refreshFromDisk(path.join(root, 'notes.txt.labels.json')), null);
  assert.equal(await session.refreshFromDisk(path.join(root, 'gone.png.labels.json')), null);
});
