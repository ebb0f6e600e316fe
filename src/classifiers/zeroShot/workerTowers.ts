// The main-thread side of towerWorker: the same Towers interface, every call a message to a worker.
//
// On the CPU the vision tower runs in lanes: two sessions side by side (each in its own worker, with
// half the threads), not one session with all of them. ORT splits each operator between its threads
// up front, so when anything else in the process (decoding, hashing, sidecar writes) takes a core
// from one of them, the other waits at the operator's end: every millisecond of that work costs the
// run a millisecond, not half of one. Two one-thread sessions have no such wait, and are also faster
// alone (README, Performance). The second lane loads the vision tower only, with the first batch.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadProgress } from '../../core/classifier';
import type { ZeroShotConfig } from '../config';
import { devicePlan, knownUnavailable } from '../device';
import { ModelLoadError, type Towers, type WorkerHeap } from './modelLoader';

type Flat = { data: Float32Array; n: number; d: number };
const rows = (f: Flat) => Array.from({ length: f.n }, (_, i) => f.data.subarray(i * f.d, (i + 1) * f.d));

/** Batches in flight plus one being filled, per lane. */
const POOL_PER_LANE = 2;

function workerFile(): string {
  // Bundled: dist/towerWorker.js next to the bundle. From source (tests via tsx): the .ts file.
  const js = path.join(__dirname, 'towerWorker.js');
  return existsSync(js) ? js : path.join(__dirname, 'towerWorker.ts');
}

/** Copies a view that does not own its whole buffer, so the transfer cannot detach someone else's data. */
function own(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

type Meta = Omit<Towers, 'encodeText' | 'encodeImages' | 'jointLogits' | 'dispose' | 'tokenCounts'>;

/** One worker with its towers: calls in, answers out; `busy` counts calls not yet answered. */
interface Lane {
  call<T>(op: string, args: unknown, transfer?: ArrayBuffer[], progress?: (p: LoadProgress) => void): Promise<T>;
  busy: number;
  meta: Meta;
  close(): Promise<void>;
}

async function openLane(cfg: Omit<ZeroShotConfig, 'onProgress'>, onProgress?: (p: LoadProgress) => void): Promise<Lane> {
  const file = workerFile();
  // From source (tests run through tsx), the worker registers the TypeScript loader itself first.
  const worker = file.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true })
    : new Worker(file);
  worker.unref();
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (p: LoadProgress) => void }>();
  let dead: Error | undefined;
  worker.on('message', (m: { id: number; ok?: boolean; value?: unknown; error?: { name: string; message: string }; progress?: LoadProgress }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.progress) return p.progress?.(m.progress);
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else {
      const e = m.error!.name === 'ModelLoadError' ? new ModelLoadError(m.error!.message) : new Error(m.error!.message);
      p.reject(e);
    }
  });
  const fail = (e: Error) => {
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', (e) => fail(new Error(`The model worker crashed: ${e.message}`)));
  worker.on('exit', (code) => fail(new Error(`The model worker exited (code ${code}).`)));
  const lane: Lane = {
    busy: 0,
    meta: undefined as unknown as Meta,
    call<T>(op: string, args: unknown, transfer: ArrayBuffer[] = [], progress?: (p: LoadProgress) => void): Promise<T> {
      if (dead) return Promise.reject(dead);
      const id = next++;
      lane.busy++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
        worker.ref();
        worker.postMessage({ id, op, args }, transfer);
      }).finally(() => {
        lane.busy--;
        if (!pending.size) worker.unref();
      });
    },
    async close() {
      if (!dead) await lane.call('dispose', {}).catch(() => undefined);
      dead ??= new Error('The model was disposed.');
      await worker.terminate();
    },
  };
  try {
    lane.meta = await lane.call<Meta>('load', cfg, [], onProgress);
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return lane;
}

/** How many vision lanes, and ORT threads each: lanes only where the towers will run on the CPU. */
export function lanePlan(cfg: Pick<ZeroShotConfig, 'threads' | 'lanes' | 'device' | 'encoderUrl'>, cores = os.availableParallelism()): { lanes: number; threads: number } {
  const total = Math.max(1, cfg.threads ?? cores);
  const onCpu = !cfg.encoderUrl && devicePlan(cfg.device ?? 'auto').find((d) => !knownUnavailable(d)) === 'cpu';
  const lanes = onCpu ? Math.max(1, Math.min(cfg.lanes ?? 2, total)) : 1;
  return { lanes, threads: Math.max(1, Math.floor(total / lanes)) };
}

export async function loadTowersInWorker(cfg: ZeroShotConfig): Promise<Towers> {
  const { onProgress, ...plain } = cfg;
  const plan = lanePlan(cfg);
  const first = await openLane({ ...plain, threads: plan.threads }, onProgress);
  const lanes = [first];
  const wanted = first.meta.device === 'cpu' ? plan.lanes : 1;
  // The other lanes open with the first image batch (a text search never pays for them). If one
  // cannot open (memory), the first lane carries on alone.
  let opening: Promise<void> | undefined;
  const openRest = () =>
    (opening ??= (async () => {
      for (let i = 1; i < wanted; i++) {
        const lane = await openLane({ ...plain, threads: plan.threads, device: 'cpu', visionOnly: true }).catch(() => undefined);
        if (!lane) return;
        if (closed) return void (await lane.close());
        lanes.push(lane);
      }
    })());
  let closed = false;
  // The least busy lane (the first on a tie: it also answers text calls); while the others are
  // still opening, a batch that would queue behind the first waits for them instead.
  const idle = async () => {
    if (wanted > 1 && lanes.length < wanted && first.busy > 0) await openRest();
    return lanes.reduce((a, b) => (b.busy < a.busy ? b : a));
  };
  // Pixel buffers travel to a worker and back (transferred, never copied) and are reused.
  const pool: Float32Array[] = [];
  const split = async (pixels: Float32Array, n: number, h: number, w: number) => {
    const plane = 3 * h * w;
    const per = Math.ceil(n / lanes.length);
    const parts = await Promise.all(
      lanes.map(async (lane, i) => {
        const a = Math.min(n, i * per);
        const b = Math.min(n, a + per);
        if (a === b) return [];
        const px = pixels.slice(a * plane, b * plane);
        return rows(await lane.call<Flat>('encodeImages', { pixels: px, n: b - a, h, w }, [px.buffer as ArrayBuffer]));
      }),
    );
    // The caller's buffer was only copied from: it goes back to the pool.
    if (pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength && pool.length < POOL_PER_LANE * wanted + 1) pool.push(pixels);
    return parts.flat();
  };
  return {
    ...first.meta,
    lanes: wanted,
    async encodeText(texts) {
      return rows(await first.call<Flat>('encodeText', { texts }));
    },
    tokenCounts(texts) {
      return first.call<number[]>('tokenCounts', { texts });
    },
    pixelBuffer(length) {
      const i = pool.findIndex((b) => b.length === length);
      return i >= 0 ? pool.splice(i, 1)[0] : new Float32Array(length);
    },
    async encodeImages(pixels, n, h, w) {
      // A batch that finds every lane idle (a lone call: a probe, the first batch of a run) is split
      // between them, so it still has every core.
      if (wanted > 1 && n > 1 && lanes.every((l) => l.busy === 0)) {
        await openRest();
        if (lanes.length > 1 && lanes.every((l) => l.busy === 0)) return split(pixels, n, h, w);
      }
      const px = own(pixels);
      const r = await (await idle()).call<Flat & { pixels: Float32Array }>('encodeImages', { pixels: px, n, h, w }, [px.buffer as ArrayBuffer]);
      if (pool.length < POOL_PER_LANE * wanted + 1) pool.push(r.pixels);
      return rows(r);
    },
    async jointLogits(texts, pixels, h, w) {
      const r = await first.call<{ logits: number[]; text: Flat; image: Float32Array }>('joint', { texts, pixels, h, w });
      return { logits: r.logits, text: rows(r.text), image: r.image };
    },
    async heap(gc = false) {
      // Every lane's heap, summed (each collected first when asked).
      const hs = await Promise.all(lanes.map((l) => l.call<WorkerHeap>('heap', { gc })));
      return hs.reduce((a, b) => ({ used: a.used + b.used, total: a.total + b.total, external: a.external + b.external, malloced: a.malloced + b.malloced }));
    },
    async dispose() {
      closed = true;
      await opening;
      await Promise.all(lanes.map((l) => l.close()));
    },
  };
}
