// Two batches in flight flush into a fresh cache file at once: every record must survive a reload
// (both once wrote a header, which misaligned all later records and lost their embeddings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { EmbeddingCache } from '../../../src/classifiers/zeroShot/embeddingCache';
import { tempDir } from '../../support/fixtures';

test('concurrent flushes into a new cache file keep every embedding', async () => {
  const dir = await tempDir('embcache-');
  const key = { model: 'm', revision: 'r', dtype: 'fp32' };
  const cache = new EmbeddingCache(dir, key, 4);
  const sha = (i: number) => createHash('sha256').update(String(i)).digest('hex');
  const flushes: Promise<void>[] = [];
  for (let b = 0; b < 3; b++) {
    for (let i = b * 5; i < b * 5 + 5; i++) cache.put(sha(i), Float32Array.from([i, i + 1, i + 2, i + 3]));
    flushes.push(cache.flush());
  }
  await Promise.all(flushes);
  const again = new EmbeddingCache(dir, key, 4);
  await again.load();
  assert.equal(again.size, 15);
  for (let i = 0; i < 15; i++) assert.deepEqual([...(await again.get(sha(i)))!], [i, i + 1, i + 2, i + 3], `record ${i}`);
});
