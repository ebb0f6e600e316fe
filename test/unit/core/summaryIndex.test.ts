// The panel's summary index: a reopened folder shows exactly the summaries a full read gives, reads
// only the sidecars that changed, ignores an index that is damaged, older or of another folder, and
// its full() sidecars equal indexFolder's.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../../src/core/folderIndex';
import { summarizeFolder } from '../../../src/core/imageSummary';
import { openWithIndex, pruneSummaryIndexes, summaryIndexPath, SUMMARY_INDEX_VERSION } from '../../../src/core/summaryIndex';
import { discoverImages } from '../../../src/core/discovery';
import { newSidecar, applyReview } from '../../../src/core/sidecar';
import { readSidecar, updateSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { tempDir } from '../../support/fixtures';

const temps: string[] = [];
after(() => Promise.all(temps.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function folder(n: number): Promise<{ root: string; store: string }> {
  const root = await tempDir('sindex-');
  const store = await tempDir('sindex-store-');
  temps.push(root, store);
  await fs.mkdir(path.join(root, 'sub'));
  for (let i = 0; i < n; i++) {
    const p = path.join(root, `${i % 2 ? 'sub/' : ''}img${String(i).padStart(4, '0')}.png`);
    await fs.writeFile(p, Buffer.alloc(10 + i));
    if (i % 7 === 3) continue; // no sidecar
    if (i % 11 === 5) await fs.writeFile(p + '.labels.json', '{"schema": "image-triage/sidecar", "version":'); // cut short
    else await writeSidecar(p, newSidecar({ name: path.basename(p), sha256: String(i % 10).repeat(64), size: 10 + i }));
  }
  return { root, store };
}

const truth = async (root: string) => summarizeFolder(await indexFolder(root));

for (const workerFrom of [Infinity, 0]) {
  const how = workerFrom ? 'async stats' : 'worker stats';
  test(`a reopen takes unchanged summaries from the index and reads only the changed sidecars (${how})`, async () => {
    const { root, store } = await folder(120);
    const file = summaryIndexPath(store, root);
    const first = await openWithIndex(root, file, { workerFrom });
    assert.equal(first.fromIndex, 0, 'no index yet: every sidecar is read');
    assert.deepEqual(first.summaries, await truth(root));
    assert.deepEqual(await first.full(), await indexFolder(root), 'full() gives what indexFolder gives');

    const second = await openWithIndex(root, file, { workerFrom });
    const withSidecar = (await discoverImages(root, { stamps: true })).images.filter((i) => i.sidecarStamp).length;
    const corrupt = first.summaries.filter((s) => s.error).length;
    assert.equal(second.fromIndex, withSidecar - corrupt, 'every readable sidecar comes from the index; a corrupt one is read again');
    assert.deepEqual(second.summaries, await truth(root));

    // A decision, a new image, a deleted one: the index is stale for them, and never shows it.
    const decided = path.join(root, 'img0000.png');
    await updateSidecar(decided, async (cur) => applyReview(cur!, { action: 'label', labels: ['cat'] }, { by: 'test' }));
    await fs.writeFile(path.join(root, 'new.png'), Buffer.alloc(3));
    await fs.rm(path.join(root, 'sub/img0001.png'));
    const third = await openWithIndex(root, file, { workerFrom });
    assert.equal(third.fromIndex, second.fromIndex - 2, 'the decided and the deleted image are not taken from the index');
    const expected = await truth(root);
    assert.deepEqual(third.summaries, expected);
    assert.deepEqual(third.summaries.find((s) => s.id === 'img0000.png')!.reviewLabels, ['cat']);
    assert.deepEqual(await third.full(), await indexFolder(root));
    assert.equal((await readSidecar(decided))!.review.labels[0], 'cat');
  });
}

test('a damaged, older or borrowed index is ignored: the sidecars are read and the summaries are right', async () => {
  const { root, store } = await folder(40);
  const file = summaryIndexPath(store, root);
  await (await openWithIndex(root, file)).full();
  const saved = JSON.parse(await fs.readFile(file, 'utf8'));
  assert.equal(saved.v, SUMMARY_INDEX_VERSION);
  const cases: [string, string][] = [
    ['damaged', '{"v": 1, "root": '],
    ['older', JSON.stringify({ ...saved, v: SUMMARY_INDEX_VERSION - 1 })],
    ['of another folder', JSON.stringify({ ...saved, root: path.join(root, 'elsewhere') })],
    ['of the wrong length', JSON.stringify({ ...saved, stamps: saved.stamps.slice(1) })],
  ];
  for (const [what, text] of cases) {
    await fs.writeFile(file, text);
    const q = await openWithIndex(root, file);
    assert.equal(q.fromIndex, 0, what);
    assert.deepEqual(q.summaries, await truth(root), what);
  }
  // A lying summary with a matching stamp would be shown: the stamp is what is trusted, so a
  // sidecar rewritten in place (same size, new mtime) must miss.
  await fs.writeFile(file, JSON.stringify(saved));
  const p = path.join(root, 'img0000.png.labels.json');
  const text = await fs.readFile(p, 'utf8');
  await new Promise((r) => setTimeout(r, 20));
  await fs.writeFile(p, text.replace('"pending"', '"stale"'.padEnd('"pending"'.length)));
  const q = await openWithIndex(root, file);
  assert.equal(q.summaries.find((s) => s.id === 'img0000.png')!.status, 'stale');
});

test('the index lives in the extension storage, one file per folder, never in the folder', async () => {
  const { root, store } = await folder(5);
  const file = summaryIndexPath(store, root);
  assert.ok(file.startsWith(store + path.sep));
  assert.notEqual(file, summaryIndexPath(store, path.join(root, 'sub')));
  await (await openWithIndex(root, file)).full();
  const inFolder = await fs.readdir(root, { recursive: true });
  assert.ok(!inFolder.some((n) => String(n).includes('summary-index')), 'nothing written into the reviewed folder');
  await fs.access(file);
});

test('old indexes are pruned: a removed folder\'s, one not opened for 30 days, then the least recently opened past the size cap', async () => {
  const store = await tempDir('sindex-store-');
  temps.push(store);
  const made: Record<string, { root: string; file: string }> = {};
  for (const name of ['kept', 'gone', 'stale', 'older', 'newer', 'current']) {
    const { root } = await folder(6);
    const file = summaryIndexPath(store, root);
    await (await openWithIndex(root, file)).full();
    made[name] = { root, file };
  }
  const day = 24 * 60 * 60 * 1000;
  const now = Date.now();
  const age = (name: string, days: number) => fs.utimes(made[name].file, new Date(now - days * day), new Date(now - days * day));
  await fs.rm(made.gone.root, { recursive: true });
  await age('stale', 31);
  await age('kept', 5);
  await age('older', 10);
  await age('newer', 2);
  const dir = path.dirname(made.current.file);
  await fs.writeFile(path.join(dir, 'notes.txt'), 'not an index');
  const sizeOf = async (n: string) => (await fs.stat(made[n].file)).size;
  // Room for all but one of the surviving four: the least recently opened (older, 10 days) goes.
  const cap = (await sizeOf('current')) + (await sizeOf('kept')) + (await sizeOf('newer')) + (await sizeOf('older')) - 1;
  const removed = await pruneSummaryIndexes(dir, made.current.file, { maxBytes: cap, now });
  assert.deepEqual(removed.sort(), [made.gone.file, made.stale.file, made.older.file].sort());
  const left = (await fs.readdir(dir)).sort();
  assert.deepEqual(left, [path.basename(made.current.file), path.basename(made.kept.file), path.basename(made.newer.file), 'notes.txt'].sort());
  // The kept indexes still open their folders from the index.
  const again = await openWithIndex(made.kept.root, made.kept.file);
  assert.equal(again.fromIndex, again.images.filter((i) => i.sidecarStamp && i.sidecarStamp !== '?').length - 1 /* the cut-short sidecar is never indexed */);
});

test('a full open prunes the indexes of folders that are gone, never its own', async () => {
  const a = await folder(4);
  const b = await folder(4);
  const fa = summaryIndexPath(a.store, a.root);
  await (await openWithIndex(a.root, fa)).full();
  const fb = summaryIndexPath(a.store, b.root);
  await (await openWithIndex(b.root, fb)).full();
  await fs.rm(a.root, { recursive: true });
  await (await openWithIndex(b.root, fb)).full();
  assert.deepEqual(await fs.readdir(path.dirname(fb)), [path.basename(fb)]);
  // Its own index is kept however the folder of indexes is spelled.
  assert.deepEqual(await pruneSummaryIndexes(path.relative(process.cwd(), path.dirname(fb)), fb, { maxBytes: 0 }), []);
  assert.deepEqual(await fs.readdir(path.dirname(fb)), [path.basename(fb)]);
});
