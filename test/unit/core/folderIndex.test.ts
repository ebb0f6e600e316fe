// indexFolder reads large folders' sidecars in a worker thread (workerFrom): the result is the same,
// image by image, as the async reads give: sidecars parsed, a missing one null, a corrupt or
// unreadable one reported with its reason and never thrown; a cancel stops it with an AbortError.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../../src/core/folderIndex';
import { readTextsInWorker } from '../../../src/core/sidecarBatchRead';
import { newSidecar } from '../../../src/core/sidecar';
import { writeSidecar } from '../../../src/core/sidecarStore';
import { tempDir } from '../../support/fixtures';

const temps: string[] = [];
after(() => Promise.all(temps.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function folder(n: number): Promise<string> {
  const root = await tempDir('findex-');
  temps.push(root);
  await fs.mkdir(path.join(root, 'sub'));
  for (let i = 0; i < n; i++) {
    const name = `${i % 2 ? 'sub/' : ''}img${String(i).padStart(4, '0')}.png`;
    const p = path.join(root, name);
    await fs.writeFile(p, Buffer.alloc(10 + i));
    if (i % 7 === 3) continue; // no sidecar
    if (i % 11 === 5) await fs.writeFile(p + '.labels.json', '{"schema": "image-triage/sidecar", "version":'); // cut short
    else if (i % 13 === 6) await fs.mkdir(p + '.labels.json'); // cannot be read as a file (EISDIR)
    else {
      const sc = newSidecar({ name: path.basename(name), sha256: String(i % 10).repeat(64), size: 10 + i });
      sc.notes = `image ${i}`;
      await writeSidecar(p, sc);
    }
  }
  return root;
}

test('sidecars read in the worker equal the async reads, image by image (missing, corrupt, unreadable)', async () => {
  const root = await folder(300);
  const viaAsync = await indexFolder(root, { workerFrom: Infinity });
  const viaWorker = await indexFolder(root, { workerFrom: 0 });
  assert.equal(viaWorker.length, 300);
  assert.deepEqual(viaWorker, viaAsync);
  const byName = new Map(viaWorker.map((i) => [path.basename(i.relPath), i]));
  assert.equal(byName.get('img0003.png')!.sidecar, null);
  assert.equal(byName.get('img0003.png')!.sidecarError, undefined, 'a missing sidecar is not an error');
  assert.match(byName.get('img0005.png')!.sidecarError!, /is corrupt \(invalid JSON/);
  assert.match(byName.get('img0006.png')!.sidecarError!, /is corrupt \(cannot read: EISDIR/);
  assert.equal((byName.get('img0000.png')!.sidecar as { notes?: string }).notes, 'image 0');
  assert.equal(viaWorker.filter((i) => i.sidecar).length, viaAsync.filter((i) => i.sidecar).length);
});

test('a cancel during the worker read rejects with an AbortError and reads no further batch', async () => {
  const root = await folder(60);
  const paths = (await fs.readdir(root)).filter((n) => n.endsWith('.png')).map((n) => path.join(root, n) + '.labels.json');
  const ac = new AbortController();
  let batches = 0;
  const p = readTextsInWorker(paths, () => {
    batches++;
    ac.abort();
  }, { signal: ac.signal, batch: 5 });
  await assert.rejects(p, (e: Error) => e.name === 'AbortError');
  assert.equal(batches, 1, 'no batch is handed over after the cancel');
  await assert.rejects(indexFolder(root, { workerFrom: 0, signal: ac.signal }), (e: Error) => e.name === 'AbortError');
});
