// The embedding store: rows read by sha from an index, old caches indexed (not lost), torn tails,
// two writers at once (two real processes), merge, and the folder matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { EmbeddingCache, folderMatrix } from '../../../src/classifiers/zeroShot/embeddingCache';

const KEY = { model: 'tiny-clip', revision: 'local', dtype: 'fp32' };
const sha = (i: number | string) => createHash('sha256').update(String(i)).digest('hex');
const vec = (i: number, d = 4) => Float32Array.from({ length: d }, (_, k) => i + k / 10);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'it-store-'));

test('rows come back by sha after reopening; missing ones are counted; only the index is read on open', async () => {
  const dir = tmp();
  const a = new EmbeddingCache(dir, KEY, 4);
  await a.load();
  for (let i = 0; i < 300; i++) a.put(sha(i), vec(i));
  await a.flush();
  assert.equal((await fs.stat(a.indexFile)).size, 300 * 32, 'the index holds one sha per row');
  const b = new EmbeddingCache(dir, KEY, 4);
  await b.load();
  assert.equal(b.size, 300);
  const r = await b.getMany([sha(299), sha('nope'), sha(0), sha(150)]);
  assert.deepEqual([...r.found], [1, 0, 1, 1]);
  assert.equal(r.missing, 1);
  assert.deepEqual([...r.vectors.subarray(0, 4)], [...vec(299)]);
  assert.deepEqual([...r.vectors.subarray(4, 8)], [0, 0, 0, 0]);
  assert.deepEqual([...r.vectors.subarray(12, 16)], [...vec(150)]);
  assert.deepEqual(await b.get(sha(7)), vec(7));
});

test('a cache written before the index existed is indexed on open and keeps every row', async () => {
  const dir = tmp();
  const a = new EmbeddingCache(dir, KEY, 4);
  for (let i = 0; i < 50; i++) a.put(sha(i), vec(i));
  await a.flush();
  await fs.rm(a.indexFile); // the old layout: data file only
  const b = new EmbeddingCache(dir, KEY, 4);
  await b.load();
  assert.equal(b.size, 50);
  assert.deepEqual(await b.get(sha(42)), vec(42));
  b.put(sha(50), vec(50));
  await b.flush();
  assert.equal((await fs.stat(b.indexFile)).size, 51 * 32, 'the first write under the lock writes the whole index');
  const c = new EmbeddingCache(dir, KEY, 4);
  await c.load();
  assert.deepEqual(await c.get(sha(3)), vec(3));
  assert.deepEqual(await c.get(sha(50)), vec(50));
});

test('a torn record (crash mid-append) is ignored, then cut by the next writer', async () => {
  const dir = tmp();
  const a = new EmbeddingCache(dir, KEY, 4);
  a.put(sha(1), vec(1));
  await a.flush();
  await fs.appendFile(a.file, Buffer.alloc(20, 7));
  const b = new EmbeddingCache(dir, KEY, 4);
  await b.load();
  assert.equal(b.size, 1);
  b.put(sha(2), vec(2));
  await b.flush();
  const c = new EmbeddingCache(dir, KEY, 4);
  await c.load();
  assert.deepEqual(await c.get(sha(2)), vec(2));
  assert.equal((await fs.stat(c.file)).size, 12 + 2 * (32 + 16));
});

test('a file of another layout is set aside, not deleted', async () => {
  const dir = tmp();
  const a = new EmbeddingCache(dir, KEY, 4);
  await fs.writeFile(a.file, 'not an embedding file');
  await a.load();
  assert.equal(a.size, 0);
  const names = await fs.readdir(dir);
  assert.ok(names.some((n) => n.includes('.unreadable-')), names.join());
});

test('an index that points at the wrong rows is an error that says how to fix it, not wrong vectors', async () => {
  const dir = tmp();
  const a = new EmbeddingCache(dir, KEY, 4);
  a.put(sha(1), vec(1));
  a.put(sha(2), vec(2));
  await a.flush();
  const idx = await fs.readFile(a.indexFile);
  await fs.writeFile(a.indexFile, Buffer.concat([idx.subarray(32), idx.subarray(0, 32)]));
  const b = new EmbeddingCache(dir, KEY, 4);
  await b.load();
  await assert.rejects(b.get(sha(1)), /delete .*\.idx/);
});

const WRITER = `
const { EmbeddingCache } = require(process.argv[1]);
const { createHash } = require('node:crypto');
(async () => {
  const [dir, tag] = process.argv.slice(2);
  for (let round = 0; round < 20; round++) {
    const c = new EmbeddingCache(dir, { model: 'tiny-clip', revision: 'local', dtype: 'fp32' }, 4);
    await c.load();
    for (let i = 0; i < 10; i++) c.put(createHash('sha256').update(tag + ':' + (round * 10 + i)).digest('hex'), Float32Array.from([round, i, tag.length, 1]));
    await c.flush();
  }
})().catch((e) => { console.error(e); process.exit(1); });`;

test('two processes appending at once (CLI and VS Code) lose nothing and corrupt nothing', async () => {
  const dir = tmp();
  const mod = path.resolve('src/classifiers/zeroShot/embeddingCache.ts');
  const run = (tag: string) =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', '-e', WRITER, mod, dir, tag], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(err))));
    });
  await Promise.all([run('cli'), run('vscode')]);
  const c = new EmbeddingCache(dir, KEY, 4);
  await c.load();
  assert.equal(c.size, 400);
  for (const tag of ['cli', 'vscode']) {
    const shas = Array.from({ length: 200 }, (_, n) => createHash('sha256').update(tag + ':' + n).digest('hex'));
    const r = await c.getMany(shas);
    assert.equal(r.missing, 0, tag);
    assert.deepEqual([...r.vectors.subarray(13 * 4, 14 * 4)], [1, 3, tag.length, 1]);
  }
});

test('mergeFrom copies only the rows the store lacks; chunks() walks every row', async () => {
  const [d1, d2] = [tmp(), tmp()];
  const a = new EmbeddingCache(d1, KEY, 4);
  const b = new EmbeddingCache(d2, KEY, 4);
  for (let i = 0; i < 10; i++) a.put(sha(i), vec(i));
  for (let i = 5; i < 15; i++) b.put(sha(i), vec(i));
  await a.flush();
  await b.flush();
  assert.equal(await a.mergeFrom(b), 5);
  await a.flush();
  const c = new EmbeddingCache(d1, KEY, 4);
  let rows = 0;
  for await (const ch of c.chunks(4)) rows += ch.shas.length;
  assert.equal(rows, 15);
  assert.deepEqual(await c.get(sha(14)), vec(14));
});

test('folderMatrix reads the rows of the folder checkpoint and lists images without one', async () => {
  const dir = tmp();
  const a = new EmbeddingCache(dir, KEY, 4);
  a.put(sha('x'), vec(1));
  a.put(sha('y'), vec(2));
  await a.flush();
  const sc = (s: string) => ({ image: { sha256: s }, predictions: { 'zero-shot': { checkpoint: 'tiny-clip', revision: 'local', dtype: 'fp32' } } });
  const m = await folderMatrix(
    [
      { relPath: 'y.png', sidecar: sc(sha('y')) },
      { relPath: 'new.png', sidecar: sc(sha('new')) },
      { relPath: 'x.png', sidecar: sc(sha('x')) },
      { relPath: 'none.png', sidecar: null },
    ],
    dir,
  );
  assert.deepEqual(m.ids, ['y.png', 'x.png']);
  assert.deepEqual(m.missing, ['new.png', 'none.png']);
  assert.deepEqual([...m.vectors], [...vec(2), ...vec(1)]);
});
