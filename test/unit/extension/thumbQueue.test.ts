import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThumbQueue, type ThumbResult } from '../../../src/extension/panel/thumbQueue';

function deferred() {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
/** Waits on state, not on time: a loaded machine may run the queue's flush timer late. */
async function until(cond: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

test('a newer request replaces what is still waiting; at most `concurrency` run at once', async () => {
  const started: string[] = [];
  const jobs = new Map<string, ReturnType<typeof deferred>>();
  const delivered: ThumbResult[] = [];
  const q = new ThumbQueue(
    (id) => {
      started.push(id);
      const d = deferred();
      jobs.set(id, d);
      return d.promise;
    },
    (items) => delivered.push(...items),
    2,
    1,
  );
  q.request(['a', 'b', 'c', 'd']);
  assert.deepEqual(started, ['a', 'b']);
  q.request(['x', 'b', 'y']); // the user scrolled: c and d are no longer wanted, b is already running
  jobs.get('a')!.resolve('uri-a');
  await tick();
  assert.deepEqual(started, ['a', 'b', 'x']);
  jobs.get('b')!.reject(new Error('broken image'));
  await tick();
  assert.deepEqual(started, ['a', 'b', 'x', 'y']);
  jobs.get('x')!.resolve('uri-x');
  jobs.get('y')!.resolve('uri-y');
  await until(() => delivered.length === 4, 'all four results');
  assert.deepEqual(
    delivered.sort((p, q2) => p.id.localeCompare(q2.id)),
    [{ id: 'a', uri: 'uri-a' }, { id: 'b', error: 'broken image' }, { id: 'x', uri: 'uri-x' }, { id: 'y', uri: 'uri-y' }],
  );
  assert.equal(q.pending, 0);
});

test('results are batched, and nothing is delivered after dispose', async () => {
  const batches: ThumbResult[][] = [];
  const q = new ThumbQueue(async (id) => `u-${id}`, (items) => batches.push(items), 4, 10);
  q.request(['a', 'b', 'c']);
  await until(() => batches.length > 0, 'the first batch');
  await tick(30); // a second batch would come within one flush interval
  assert.equal(batches.length, 1);
  assert.equal(batches[0].length, 3);
  q.request(['d']);
  q.dispose();
  await tick(30);
  assert.equal(batches.length, 1);
});
