import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RETRY_POLICY,
  Limiter,
  TransportError,
  backoffDelay,
  parseRetryAfter,
  realSleep,
  withRetries,
} from '../../../src/classifiers/vlm/transport';

const instant = (log: number[]) => ({ sleep: async (ms: number) => void log.push(ms), random: () => 0.5 });
const http = (status: number, retryAfterMs?: number) => new TransportError('http', `HTTP ${status}`, { status, retryAfterMs });

test('Retry-After: delta seconds, HTTP date, garbage', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('3', now), 3000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('backoff is full jitter under an exponential, capped ceiling', () => {
  const p = DEFAULT_RETRY_POLICY;
  assert.equal(backoffDelay(0, p, () => 0.999999), Math.floor(0.999999 * 500));
  assert.equal(backoffDelay(3, p, () => 0.5), 2000);
  assert.equal(backoffDelay(20, p, () => 0.999999), Math.floor(0.999999 * p.maxDelayMs));
  assert.equal(backoffDelay(5, p, () => 0), 0);
});

test('retries 503 and network errors, then succeeds', async () => {
  const sleeps: number[] = [];
  let n = 0;
  const r = await withRetries(
    async () => {
      n++;
      if (n === 1) throw http(503);
      if (n === 2) throw new TransportError('network', 'connection failed (ECONNRESET)');
      return 'ok';
    },
    { timeoutMs: 1000, clock: instant(sleeps) },
  );
  assert.equal(r, 'ok');
  assert.equal(n, 3);
  assert.deepEqual(sleeps, [250, 500]);
});

test('Retry-After is honoured exactly; one too long fails instead of waiting', async () => {
  const sleeps: number[] = [];
  let n = 0;
  await withRetries(async () => (n++ === 0 ? Promise.reject(http(429, 1500)) : 'ok'), { timeoutMs: 1000, clock: instant(sleeps) });
  assert.deepEqual(sleeps, [1500]);
  await assert.rejects(
    withRetries(async () => Promise.reject(http(429, 3_600_000)), { timeoutMs: 1000, clock: instant(sleeps) }),
    (e: TransportError) => e.status === 429 && /longer than the 120 s limit/.test(e.message),
  );
});

test('4xx other than 408/429 is not retried; retries are bounded', async () => {
  let n = 0;
  await assert.rejects(withRetries(async () => { n++; throw http(400); }, { timeoutMs: 1000, clock: instant([]) }), /HTTP 400/);
  assert.equal(n, 1);
  n = 0;
  await assert.rejects(
    withRetries(async () => { n++; throw http(500); }, { timeoutMs: 1000, clock: instant([]), policy: { maxRetries: 2 } }),
    (e: TransportError) => e.attempts === 3,
  );
  assert.equal(n, 3);
});

test('a hung attempt times out (not retried by default)', async () => {
  let n = 0;
  const start = Date.now();
  await assert.rejects(
    withRetries((signal) => { n++; return new Promise((_, rej) => signal.addEventListener('abort', () => rej(signal.reason))); }, { timeoutMs: 50, clock: instant([]) }),
    (e: TransportError) => e.kind === 'timeout',
  );
  assert.equal(n, 1);
  assert.ok(Date.now() - start < 5000, 'the hung attempt ends at its timeout, not never');
});

test('cancellation aborts the attempt and rejects with AbortError, also during a backoff sleep', async () => {
  const ctrl = new AbortController();
  setTimeout(() => ctrl.abort(), 20);
  await assert.rejects(
    withRetries((signal) => new Promise((_, rej) => signal.addEventListener('abort', () => rej(new Error('aborted')))), { timeoutMs: 10_000, signal: ctrl.signal }),
    { name: 'AbortError' },
  );
  const c2 = new AbortController();
  const start = Date.now();
  setTimeout(() => c2.abort(), 20);
  await assert.rejects(
    withRetries(async () => { throw http(429, 60_000); }, { timeoutMs: 1000, signal: c2.signal, clock: { sleep: realSleep } }),
    { name: 'AbortError' },
  );
  assert.ok(Date.now() - start < 10_000, 'not after the 60 s backoff');
});

test('non-transport errors are rethrown at once', async () => {
  let n = 0;
  await assert.rejects(withRetries(async () => { n++; throw new TypeError('bug'); }, { timeoutMs: 1000 }), TypeError);
  assert.equal(n, 1);
});

test('the limiter never runs more than its limit, and queued tasks leave on abort', async () => {
  const lim = new Limiter(2);
  let running = 0;
  let peak = 0;
  const task = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 10));
    running--;
  };
  await Promise.all(Array.from({ length: 7 }, () => lim.run(task)));
  assert.equal(peak, 2);
  assert.equal(lim.peak, 2);
  assert.equal(lim.active, 0);

  const ctrl = new AbortController();
  let release!: () => void;
  const blocker = lim.run(() => new Promise<void>((r) => (release = r)));
  const blocker2 = lim.run(() => new Promise<void>((r) => setTimeout(r, 5)));
  const queued = lim.run(async () => 'ran', ctrl.signal);
  assert.equal(lim.waiting, 1);
  ctrl.abort();
  await assert.rejects(queued, { name: 'AbortError' });
  assert.equal(lim.waiting, 0);
  release();
  await Promise.all([blocker, blocker2]);
  assert.equal(lim.active, 0);
  assert.throws(() => new Limiter(0), RangeError);
});
