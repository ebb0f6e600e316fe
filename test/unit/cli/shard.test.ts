// --shard K/N and --shard auto: shares without overlap, 4 shards add up to the unsharded run's
// sidecars, each shard writes its own embedding store, and `cache merge` combines them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { photos, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { leftoverImage, parseShard, shardOf, ShardError } from '../../../src/core/shard';
import { openStores } from '../../../src/classifiers/zeroShot/embeddingCache';
import type { EmbeddingKey } from '../../../src/classifiers/zeroShot/embeddingCache';

async function stored(dir: string, key: EmbeddingKey): Promise<Map<string, number[]>> {
  const m = new Map<string, number[]>();
  for (const s of await openStores(dir, key)) for await (const [sha, v] of s.entries()) m.set(sha, Array.from(v));
  return m;
}

const COLOURS = ['red', 'green', 'blue', 'yellow', 'white', 'black', 'purple', 'orange'];

test('K/N is 1-based and checked; auto reads Kubernetes, Slurm and the generic variables', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '1/0', 'x', '1-4', '']) assert.throws(() => parseShard(bad), ShardError, bad);
  assert.deepEqual(parseShard('auto', '4', { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 4, source: 'JOB_COMPLETION_INDEX=0, --shards 4' });
  assert.throws(() => parseShard('auto', undefined, { JOB_COMPLETION_INDEX: '0' }), /needs --shards N/);
  assert.throws(() => parseShard('auto', '4', { JOB_COMPLETION_INDEX: '4' }), /outside 1…4/);
  assert.equal(parseShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' }).index, 3);
  assert.equal(parseShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }).index, 4);
  assert.deepEqual(parseShard('auto', undefined, { IMAGE_TRIAGE_SHARD_INDEX: '1', IMAGE_TRIAGE_SHARD_COUNT: '3' }).index, 2);
  assert.throws(() => parseShard('auto', undefined, {}), /found no scheduler variables/);
  // Every path lands in exactly one shard, the same one every time, and the shares are balanced.
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[shardOf(`dir${i % 7}/img_${i}.jpg`, 4) - 1]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `balanced: ${counts}`);
  assert.equal(shardOf('a/b.jpg', 4), shardOf('a\\b.jpg', 4), 'Windows separators hash like POSIX ones');
  // A shard sweeps only its own images' leftovers (a pid means nothing on another machine).
  assert.equal(leftoverImage('/r', '/r/sub/.a.jpg.labels.json.4242.0123abcd.tmp'), path.join('sub', 'a.jpg'));
  assert.equal(leftoverImage('/r', '/r/.a.jpg.labels.json.lock'), 'a.jpg');
  assert.equal(leftoverImage('/r', '/r/.report.html.4242.0123abcd.tmp'), undefined);
});

async function folder(): Promise<string> {
  const root = await tempDir('shard-');
  await fs.mkdir(path.join(root, 'sub/deeper'), { recursive: true });
  for (const [i, c] of COLOURS.entries()) await fs.writeFile(path.join(root, ['', 'sub', 'sub/deeper'][i % 3], `${c}.png`), await solidColorPng(c, 40 + i));
  for (const p of await photos(4)) await fs.copyFile(p, path.join(root, 'sub', path.basename(p)));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: COLOURS.map((c) => ({ name: c, description: `a ${c} image` })) }));
  return root;
}

async function sidecars(root: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.labels.json')) out[path.relative(root, p)] = JSON.parse(await fs.readFile(p, 'utf8'), (k, v) => (k === 'created_at' ? undefined : v));
    }
  };
  await walk(root);
  return out;
}

test('4 shards on one folder give exactly the unsharded sidecars; cache merge folds their stores into one', async () => {
  const model = await tinyModel('clip');
  const whole = await folder();
  const sharded = await folder();
  const [cacheWhole, cacheShards] = [await tempDir('shard-c1-'), await tempDir('shard-c2-')];
  const one = await cli(['classify', whole, '--model', model, '--cache-dir', cacheWhole, '--json', '--batch', '3']);
  assert.equal(one.code, 0, one.err);
  const total = JSON.parse(one.out.trim().split('\n').at(-1)!).total;
  assert.equal(total, COLOURS.length + 4);

  // Four processes' worth of runs at once, on one shared cache dir.
  const runs = await Promise.all([1, 2, 3, 4].map((k) => cli(['classify', sharded, '--model', model, '--cache-dir', cacheShards, '--shard', `${k}/4`, '--json', '--batch', '3'])));
  const summaries = runs.map((r) => {
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out.trim().split('\n').at(-1)!);
  });
  assert.deepEqual(summaries.map((s) => s.shard), ['1/4', '2/4', '3/4', '4/4']);
  assert.equal(summaries.reduce((n, s) => n + s.classified, 0), total, 'no image classified twice or missed');
  assert.ok(summaries.filter((s) => s.classified > 0).length >= 3, 'the work is spread');
  assert.deepEqual(await sidecars(sharded), await sidecars(whole));

  const dir = path.join(cacheShards, 'embeddings');
  const shardFiles = (await fs.readdir(dir)).filter((f) => f.includes('.shard-') && f.endsWith('.bin'));
  assert.equal(shardFiles.length, summaries.filter((s) => s.classified > 0).length, 'one store per shard that embedded something');
  const merge = await cli(['cache', 'merge', '--cache-dir', cacheShards]);
  assert.equal(merge.code, 0, merge.err);
  assert.match(merge.out, new RegExp(`Merged ${shardFiles.length} embedding stores into 1 main store .*: ${total} embeddings added, 0 already present`));
  assert.deepEqual((await fs.readdir(dir)).filter((f) => f.includes('.shard-')), [], 'shard stores (.bin and .idx) are folded in and removed');
  const key = { model, revision: (Object.values(await sidecars(whole))[0] as { predictions: { 'zero-shot': { revision: string } } }).predictions['zero-shot'].revision, dtype: 'fp32' };
  const [a, b] = [await stored(path.join(cacheWhole, 'embeddings'), key), await stored(dir, key)];
  assert.equal(b.size, total);
  assert.deepEqual(b, a, 'the merged store holds the unsharded run\'s embeddings');

  // The merged folder is one folder again: an unsharded run finds every prediction current.
  const again = await cli(['classify', sharded, '--model', model, '--cache-dir', cacheShards, '--json']);
  assert.equal(JSON.parse(again.out.trim().split('\n').at(-1)!).skipped, total);
  assert.match((await cli(['cache', 'merge', '--cache-dir', cacheShards])).out, /Nothing to merge/);
});

test('--shard errors are usage errors that say what to pass', async () => {
  const root = await folder();
  const r = await cli(['classify', root, '--shard', '0/4']);
  assert.equal(r.code, 1);
  assert.match(r.err, /K must be from 1 to N \(shards are 1-based/);
  const auto = await cli(['classify', root, '--shard', 'auto'], { JOB_COMPLETION_INDEX: '', SLURM_ARRAY_TASK_ID: undefined, IMAGE_TRIAGE_SHARD_INDEX: undefined });
  assert.equal(auto.code, 1);
  assert.match(auto.err, /JOB_COMPLETION_INDEX must be an integer/);
});
