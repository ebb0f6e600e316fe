// Transport pieces for remote model calls, independent of any one API: a concurrency limiter, a
// per-attempt timeout, bounded retries with exponential backoff and full jitter that honour
// Retry-After, and cancellation. Sleep, randomness and the clock are injectable so tests run fast.
import { abortError as cancelled } from '../../core/cancel';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface TransportClock {
  sleep: Sleep;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Epoch milliseconds (for Retry-After dates). */
  now: () => number;
}

export interface RetryPolicy {
  /** Retries after the first attempt (so at most maxRetries + 1 attempts). */
  maxRetries: number;
  /** First backoff ceiling; doubles each retry. */
  baseDelayMs: number;
  /** Ceiling of any backoff delay. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number;
  /** Whether a request that timed out is tried again (off: a hung server would cost N × timeout). */
  retryOnTimeout: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
  retryOnTimeout: false,
};

export const abortError = (message = 'The operation was cancelled.'): Error => cancelled(message);

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const REAL_CLOCK: TransportClock = { sleep: realSleep, random: Math.random, now: Date.now };

export type TransportErrorKind = 'timeout' | 'network' | 'http';

/** A failed attempt, as the retry loop sees it. `message` must already be safe to show. */
export class TransportError extends Error {
  /** Attempts made when this error was final. */
  attempts = 1;
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; code?: string; body?: string } = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
  get status(): number | undefined {
    return this.details.status;
  }
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. Undefined if absent/invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Full jitter: uniform in [0, min(maxDelay, base × 2^retry)]. `retry` counts from 0. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

export function isRetryable(e: TransportError, policy: RetryPolicy): boolean {
  if (e.kind === 'network') return true;
  if (e.kind === 'timeout') return policy.retryOnTimeout;
  const s = e.status ?? 0;
  return s === 429 || s === 408 || s >= 500;
}

export interface RetryEvent {
  error: TransportError;
  /** 1-based number of the attempt that failed. */
  attempt: number;
  delayMs: number;
  fromRetryAfter: boolean;
}

export interface AttemptOptions {
  timeoutMs: number;
  policy?: Partial<RetryPolicy>;
  clock?: Partial<TransportClock>;
  signal?: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
}

/**
 * Runs `attempt` with a fresh signal per try that aborts on timeout or on `signal`. Attempts must throw
 * TransportError for failures worth classifying; anything else is rethrown at once. Cancellation
 * rejects with an AbortError; a final failure rejects with the last TransportError.
 */
export async function withRetries<T>(attempt: (signal: AbortSignal) => Promise<T>, opts: AttemptOptions): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...opts.policy };
  const clock = { ...REAL_CLOCK, ...opts.clock };
  const outer = opts.signal;
  for (let n = 1; ; n++) {
    if (outer?.aborted) throw abortError();
    const ctrl = new AbortController();
    let timedOut = false;
    const onAbort = () => ctrl.abort(abortError());
    outer?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort(abortError('timed out'));
    }, opts.timeoutMs);
    let error: TransportError;
    try {
      return await attempt(ctrl.signal);
    } catch (e) {
      if (outer?.aborted) throw abortError();
      if (timedOut) error = new TransportError('timeout', `no answer within ${formatMs(opts.timeoutMs)}`);
      else if (e instanceof TransportError) error = e;
      else throw e;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
    error.attempts = n;
    if (!isRetryable(error, policy) || n > policy.maxRetries) throw error;
    const ra = error.details.retryAfterMs;
    if (ra !== undefined && ra > policy.maxRetryAfterMs) {
      error.message += ` (the server asked to retry after ${formatMs(ra)}, longer than the ${formatMs(policy.maxRetryAfterMs)} limit)`;
      throw error;
    }
    const delayMs = ra ?? backoffDelay(n - 1, policy, clock.random);
    opts.onRetry?.({ error, attempt: n, delayMs, fromRetryAfter: ra !== undefined });
    await clock.sleep(delayMs, outer);
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${+(ms / 1000).toFixed(1)} s`;
}

/** Limits how many tasks run at once; waiting tasks leave the queue when their signal aborts. */
export class Limiter {
  private running = 0;
  private readonly queue: { start: () => void }[] = [];
  private peakRunning = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number ≥ 1 (got ${max})`);
  }

  get active(): number {
    return this.running;
  }
  get waiting(): number {
    return this.queue.length;
  }
  /** Most tasks seen running at once. */
  get peak(): number {
    return this.peakRunning;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.running < this.max) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.take();
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  private take() {
    this.running++;
    this.peakRunning = Math.max(this.peakRunning, this.running);
  }

  private release() {
    this.running--;
    this.queue.shift()?.start();
  }
}
