// Vision lanes: two one-thread sessions side by side on the CPU (workerTowers.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { lanePlan } from '../../../src/classifiers/zeroShot/workerTowers';
import { outputSize } from '../../../src/classifiers/zeroShot/preprocess';
import { tempDir, tinyModel } from '../../support/fixtures';

test('lanes: two on the CPU with the threads split; one on an accelerator, a server, or a single thread', () => {
  assert.deepEqual(lanePlan({ threads: 2, device: 'cpu' }), { lanes: 2, threads: 1 });
  assert.deepEqual(lanePlan({ threads: 8, device: 'cpu' }), { lanes: 2, threads: 4 });
  assert.deepEqual(lanePlan({ device: 'cpu' }, 16), { lanes: 2, threads: 8 });
  assert.deepEqual(lanePlan({ threads: 1, device: 'cpu' }), { lanes: 1, threads: 1 });
  assert.deepEqual(lanePlan({ threads: 2, device: 'cpu', lanes: 1 }), { lanes: 1, threads: 2 });
  assert.deepEqual(lanePlan({ threads: 2, device: 'dml' }), { lanes: 1, threads: 2 });
  assert.deepEqual(lanePlan({ threads: 2, device: 'cpu', encoderUrl: 'http://127.0.0.1:1' }), { lanes: 1, threads: 2 });
});

test('two lanes encode batches at once and give the embeddings one lane gives', async () => {
  const model = await tinyModel('clip');
  const one = await ZeroShotClassifier.create({ kind: 'zero-shot', model, dtype: 'fp32', cacheDir: await tempDir('lanes-'), threads: 2, device: 'cpu', lanes: 1 });
  const two = await ZeroShotClassifier.create({ kind: 'zero-shot', model, dtype: 'fp32', cacheDir: await tempDir('lanes-'), threads: 2, device: 'cpu' });
  assert.equal(one.concurrency, 1);
  assert.equal(two.concurrency, 2);
  assert.equal(two.towers.lanes, 2);
  const { height, width } = outputSize(two.towers.preprocess);
  const plane = 3 * height * width;
  const batch = (seed: number) => Float32Array.from({ length: 4 * plane }, (_, i) => Math.sin(i * 0.001 + seed));
  // Two batches sent together: each lane takes one; the text tower answers from the first lane meanwhile.
  const [a, b, t] = await Promise.all([two.towers.encodeImages(batch(1), 4, height, width), two.towers.encodeImages(batch(2), 4, height, width), two.encodeTexts(['a red photo'])]);
  const [a1, b1] = [await one.towers.encodeImages(batch(1), 4, height, width), await one.towers.encodeImages(batch(2), 4, height, width)];
  const t1 = await one.encodeTexts(['a red photo']);
  const far = (x: Float32Array[], y: Float32Array[]) => Math.max(...x.flatMap((r, i) => Array.from(r, (v, j) => Math.abs(v - y[i][j]))));
  assert.ok(far(a, a1) < 1e-4 && far(b, b1) < 1e-4, `lanes disagree: ${far(a, a1)}, ${far(b, b1)}`);
  assert.ok(far(t, t1) < 1e-5);
  assert.notDeepEqual(Array.from(a[0]), Array.from(b[0]));
  // A lone batch of 5 (split 3 + 2 between the lanes) comes back whole and in order.
  const five = Float32Array.from({ length: 5 * plane }, (_, i) => Math.cos(i * 0.002));
  const [s2, s1] = [await two.towers.encodeImages(five.slice(), 5, height, width), await one.towers.encodeImages(five.slice(), 5, height, width)];
  assert.equal(s2.length, 5);
  assert.ok(far(s2, s1) < 1e-4, `split batch disagrees: ${far(s2, s1)}`);
  await Promise.all([one.dispose(), two.dispose()]);
});
