// `npm run bench`: classification throughput against the model's own limit, on a random-weight model
// with exactly the shape and cost of openai/clip-vit-base-patch32. Everything is measured in this one
// run and printed as a table; the last line is the machine-readable `ratios:` line.
import { existsSync, promises as fs } from 'node:fs';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZeroShotClassifier } from '../classifiers/zeroShot';
import type { Dtype } from '../classifiers/config';
import { outputSize, preprocessInto } from '../classifiers/zeroShot/preprocess';
import { transformers } from '../classifiers/zeroShot/modelLoader';
import { categoriesHash } from '../core/categories';
import { runClassification } from '../core/run';
import { applyPrediction, newSidecar } from '../core/sidecar';
import { readSidecar, updateSidecar } from '../core/sidecarStore';
import { discoverImages } from '../core/discovery';
import { ThumbnailCache } from '../core/thumbnails';
import type { CategorySet } from '../core/types';
import { DEFAULT_BENCH_OUT, generateBenchModel } from '../devmodels/benchModel';
import { benchCategories, benchImages, cifarImages, stage } from './images';
import { LoopDelay, mean, peakRssMB, rssMB, table, timed } from './measure';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const quick = argv.includes('--quick');
const MODEL = path.resolve(opt('model', DEFAULT_BENCH_OUT));
const DTYPES = opt('dtypes', 'fp32,q8').split(',') as Dtype[];
const BATCH = Number(opt('batch', '16'));
const THREADS = Number(opt('threads', String(os.availableParallelism())));
/** Vision lanes of the product's towers (default: theirs); the limit also tries one lane. */
const LANES = argv.includes('--lanes') ? Number(opt('lanes', '1')) : undefined;
const N_OURS = Number(opt('images', quick ? '200' : '1000'));
const N_LIMIT = quick ? 64 : 384;
/** Runs of `ours` on 1,000 images, with a limit measurement before, between and after them. */
const ROUNDS = Number(opt('rounds', quick ? '1' : '2'));
const N_NAIVE = quick ? 16 : 48;
const N_OURS30 = quick ? 64 : 192;
const N_LEAK = Number(opt('leak-images', quick ? '2000' : '10000'));
const LEAK_MARK = Math.round(N_LEAK / 10);

const log = (s: string) => process.stderr.write(s + '\n');
/**
 * RSS after a full GC of the main thread and of the inference worker (when --expose-gc is on), so
 * garbage not yet collected is not mistaken for a leak.
 */
const settledRssMB = async (c: ZeroShotClassifier) => {
  (globalThis as { gc?: () => void }).gc?.();
  await c.towers.heap?.(true);
  return rssMB();
};
const tmpCache = () => fs.mkdtemp(path.join(os.tmpdir(), 'bench-cache-'));
const make = async (dtype: Dtype, cacheDir?: string, lanes = LANES) =>
  ZeroShotClassifier.create({ kind: 'zero-shot', model: MODEL, dtype, cacheDir: cacheDir ?? (await tmpCache()), threads: THREADS, lanes });

/**
 * Folders staged for this run, removed only at its end. Deleting thousands of files between
 * measurements taxes every file created soon after: ext4 without a journal (this machine's disk)
 * skips inodes freed in the last 1–6 minutes on each create by reading their inode-table block
 * (`recently_deleted`, 15% of a stubbed run's CPU samples in `perf` when a folder had just been
 * removed), so sidecar writes of the next `ours` run paid for the bench's own cleanup.
 */
const stagedDirs: string[] = [];
async function staged(files: string[], label: string): Promise<string> {
  const d = await stage(files, label);
  stagedDirs.push(d);
  return d;
}

/** CPU time of this process (every thread: the main one, libuv's pool, the ORT worker), in ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function limit(c: ZeroShotClassifier, files: string[]): Promise<{ ips: number; cpu: number }> {
  const { height, width } = outputSize(c.towers.preprocess);
  const plane = 3 * height * width;
  // One buffer per batch, filled before timing: a transfer to the worker then copies nothing.
  const batches: { px: Float32Array; n: number }[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const n = Math.min(BATCH, files.length - i);
    const px = new Float32Array(n * plane);
    for (let j = 0; j < n; j++) await preprocessInto(await fs.readFile(files[i + j]), c.towers.preprocess, px, j * plane);
    batches.push({ px, n });
  }
  // Warm-up: one batch per lane, at once.
  const lanes = c.towers.lanes ?? 1;
  await Promise.all(Array.from({ length: lanes }, () => c.towers.encodeImages(batches[0].px.slice(), batches[0].n, height, width)));
  const c0 = cpuMs();
  // Every lane kept busy: one batch each in flight, the next handed over as one comes back.
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const b = batches[next++];
      await c.towers.encodeImages(b.px, b.n, height, width);
    }
  };
  const { seconds } = await timed(() => Promise.all(Array.from({ length: lanes }, lane)));
  return { ips: files.length / seconds, cpu: (cpuMs() - c0) / files.length };
}

/**
 * CPU per image of everything in a run but inference: the same run with the vision tower answering
 * at once (random vectors). With `limit`'s CPU per image it bounds ours/limit on these cores:
 * even with perfect overlap, ours ≤ limitCpu / (limitCpu + pipelineCpu) of the limit.
 */
async function pipelineCpu(dtype: Dtype, files: string[], set: CategorySet): Promise<number> {
  const c = await make(dtype);
  await warmUp(c);
  const dim = (await c.encodeTexts(['a photo']))[0].length;
  // Random vectors (the classifier normalises what the tower returns). Pixel buffers are reused as
  // the worker's pool reuses them, so the stub costs no allocation a real run does not make.
  const pool: Float32Array[] = [];
  c.towers.pixelBuffer = (length) => {
    const i = pool.findIndex((b) => b.length === length);
    return i >= 0 ? pool.splice(i, 1)[0] : new Float32Array(length);
  };
  c.towers.encodeImages = async (px, n) => {
    if (pool.length < 2 * (c.towers.lanes ?? 1) + 1) pool.push(px); // as in workerTowers.ts
    return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => Math.random() - 0.5));
  };
  const dir = await staged(files, 'pipeline');
  const c0 = cpuMs();
  const r = await runClassification({ root: dir, set, categoriesHash: categoriesHash(set), classifier: c, batchSize: BATCH });
  const cpu = (cpuMs() - c0) / r.classified;
  await c.dispose();
  return cpu;
}

/** One untimed batch through each tower, as `limit` gets, so both sides are measured warm. */
async function warmUp(c: ZeroShotClassifier): Promise<void> {
  const { height, width } = outputSize(c.towers.preprocess);
  await c.encodeTexts(['warm-up']);
  await c.towers.encodeImages(new Float32Array(BATCH * 3 * height * width), BATCH, height, width);
}

async function ours(dtype: Dtype, dir: string, set: CategorySet): Promise<number> {
  const c = await make(dtype);
  await warmUp(c);
  const { value, seconds } = await timed(() => runClassification({ root: dir, set, categoriesHash: categoriesHash(set), classifier: c, batchSize: BATCH }));
  await c.dispose();
  if (value.failed) throw new Error(`ours: ${value.failed} images failed: ${value.errors[0]?.message}`);
  return value.classified / seconds;
}

async function naive(dtype: Dtype, files: string[], set: CategorySet): Promise<number> {
  const T = await transformers();
  T.env.allowRemoteModels = false;
  const pipe = await T.pipeline('zero-shot-image-classification', MODEL, {
    dtype,
    device: 'cpu',
    session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  } as never);
  const labels = set.categories.map((c) => c.name);
  const run = (f: string) => (pipe as unknown as (img: string, l: string[], o: object) => Promise<unknown>)(f, labels, { hypothesis_template: 'a photo of {}' });
  await run(files[0]);
  const { seconds } = await timed(async () => {
    for (const f of files) await run(f);
  });
  await (pipe as unknown as { dispose(): Promise<void> }).dispose();
  return files.length / seconds;
}

interface LeakResult {
  maxRss: number;
  dir: string;
  cacheDir: string;
  rssAtMark: number;
  rssAtEnd: number;
  loop: { p50: number; p99: number; max: number };
  ips: number;
}

async function leakRun(dtype: Dtype, set: CategorySet): Promise<LeakResult> {
  const dir = await stage(await cifarImages(N_LEAK), 'leak');
  const cacheDir = await tmpCache();
  const c = await make(dtype, cacheDir);
  await warmUp(c);
  let rssAtMark = 0;
  let mark: Promise<void> | undefined;
  let lastLogged = -1;
  let maxRss = rssMB();
  const loop = new LoopDelay();
  loop.start();
  const { value, seconds } = await timed(() =>
    runClassification({
      root: dir,
      set,
      categoriesHash: categoriesHash(set),
      classifier: c,
      batchSize: BATCH,
      onEvent: (e) => {
        if (e.type === 'progress') maxRss = Math.max(maxRss, rssMB());
        if (e.type === 'progress' && !mark && e.done >= LEAK_MARK) mark = settledRssMB(c).then((v) => void (rssAtMark = v));
        if (e.type === 'progress' && Math.floor(e.done / 1000) > lastLogged) {
          lastLogged = Math.floor(e.done / 1000);
          const m = process.memoryUsage();
          const mb = (b: number) => (b / 1e6).toFixed(0);
          void c.towers.heap?.().then((w) =>
            log(`  leak run: ${e.done}/${e.total}, rss ${rssMB().toFixed(0)} MB (main heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)} MB; worker heap ${mb(w.used)}/${mb(w.total)}, external ${mb(w.external)}, malloced ${mb(w.malloced)} MB)`),
          );
        }
      },
    }),
  );
  const delay = loop.stop();
  await mark;
  const rssAtEnd = await settledRssMB(c);
  await c.dispose();
  return { dir, cacheDir, rssAtMark, rssAtEnd, maxRss, loop: delay, ips: value.classified / seconds };
}

async function rescore(dtype: Dtype, leak: LeakResult, set: CategorySet) {
  const c = await make(dtype, leak.cacheDir);
  // The panel already showed these results, so the unedited categories' texts are known.
  await c.categoryEmbeddings(set);
  const edited: CategorySet = { ...set, categories: set.categories.map((k, i) => (i === 0 ? { ...k, description: k.description + ' Seen from a distance.' } : k)) };
  const hash = categoriesHash(edited);
  const before = c.stats.imagesEncoded;
  // The images and their hashes come from the sidecars the run wrote (the leak run keeps no
  // per-image list, so the harness adds nothing to the RSS it measures).
  const entries: { path: string; sha: string }[] = [];
  for (const img of (await discoverImages(leak.dir)).images) {
    const sc = await readSidecar(img.path);
    if (sc) entries.push({ path: img.path, sha: sc.image.sha256 });
  }
  if (entries.length !== N_LEAK) throw new Error(`rescore: ${entries.length} of ${N_LEAK} images have a sidecar`);
  // In memory, as a live preview would: cached embeddings + the edited category's texts → every card decision.
  const inMemory = await timed(() => c.rescoreCached(entries.map((e) => e.sha), edited));
  if (c.stats.imagesEncoded !== before || inMemory.value.missing.length) throw new Error('rescore encoded images or missed the cache');
  // Persisting: full predictions (evidence, basis, details) and an atomic sidecar write per image.
  const persist = await timed(async () => {
    const embeddings = await c.cachedEmbeddings(entries.map((e) => e.sha));
    const cats = await c.categoryEmbeddings(edited);
    const now = new Date().toISOString();
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const e = entries[next++];
        const pred = c.predict(embeddings.get(e.sha)!, e.sha, edited, cats, hash, now);
        await updateSidecar(e.path, (cur) => applyPrediction(cur ?? newSidecar({ name: path.basename(e.path), sha256: e.sha, size: 0 }), pred));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  });
  await c.dispose();
  return { n: entries.length, inMemory: inMemory.seconds, persist: persist.seconds };
}

async function thumbnails(files: string[]): Promise<number> {
  const cache = new ThumbnailCache(await fs.mkdtemp(path.join(os.tmpdir(), 'bench-thumbs-')));
  const { seconds } = await timed(() => Promise.all(files.map((f) => cache.thumbnail(f, 256))));
  return files.length / seconds;
}

interface LeakPhase {
  leakDtype: Dtype;
  ips: number;
  rssAtMark: number;
  rssAtEnd: number;
  loop: { p50: number; p99: number; max: number };
  rescore: { n: number; inMemory: number; persist: number };
  thumbnails: number;
  peakRss: number;
}

/** Leak check, rescore and thumbnails, in a process of their own so earlier phases do not skew RSS. */
async function leakPhase(): Promise<LeakPhase> {
  const leakDtype = DTYPES.includes('q8') ? 'q8' : DTYPES[0];
  const set10 = benchCategories(10);
  log(`[${leakDtype}] leak run over ${N_LEAK} CIFAR images (fresh process)…`);
  const leak = await leakRun(leakDtype, set10);
  log('rescore…');
  const rescoreResult = await rescore(leakDtype, leak, set10);
  log('thumbnails…');
  const th = await thumbnails((await benchImages(398)).slice(0, 398));
  await fs.rm(leak.dir, { recursive: true, force: true });
  return { leakDtype, ips: leak.ips, rssAtMark: leak.rssAtMark, rssAtEnd: leak.rssAtEnd, loop: leak.loop, rescore: rescoreResult, thumbnails: th, peakRss: leak.maxRss };
}

function runLeakPhaseInChild(): Promise<LeakPhase> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', __filename, '--phase', 'leak', ...argv.filter((a) => a !== '--phase' && a !== 'leak')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`leak phase exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    });
  });
}

async function main() {
  if (!existsSync(path.join(MODEL, 'onnx/vision_model.onnx'))) {
    log(`Benchmark model not found at ${MODEL}; generating it (npm run bench:model)…`);
    await generateBenchModel(MODEL, { log });
  }
  if (argv.includes('--phase') && argv[argv.indexOf('--phase') + 1] === 'leak') {
    console.log(JSON.stringify(await leakPhase()));
    return;
  }
  log(`model ${MODEL}, dtypes ${DTYPES.join(',')}, batch ${BATCH}, ORT threads ${THREADS}, ${os.cpus().length} cores (${os.cpus()[0]?.model})`);
  const files = await benchImages(N_OURS);
  const set10 = benchCategories(10);
  const set30 = benchCategories(30);
  const rows: string[][] = [['measure', 'dtype', 'value', 'unit', 'notes']];
  const ratios: Record<string, { ol: number; on10: number; on30: number; ceiling: number }> = {};
  for (const dtype of DTYPES) {
    // The limit is measured before and after `ours` and averaged, so a drift in machine speed during
    // the run (shared cores) biases neither side of the ratio.
    // Each time both the product's towers and one session with every thread are measured; the
    // faster of the two means is the limit, so the product's lanes can only raise it.
    const oneLane: { ips: number; cpu: number }[] = [];
    const limitOf = async (lanes?: number) => {
      const lc = await make(dtype, undefined, lanes);
      const v = await limit(lc, files.slice(0, N_LIMIT));
      const n = lc.towers.lanes ?? 1;
      await lc.dispose();
      return { ...v, lanes: n };
    };
    const measureLimit = async () => {
      const v = await limitOf();
      if (v.lanes === 1) return v;
      oneLane.push(await limitOf(1));
      return v;
    };
    // Rounds of limit and ours alternate (limit, ours, limit, ours, limit), each `ours` a fresh
    // 1,000-image run on a folder staged for it (no sidecars yet), so drift in machine speed (shared
    // cores) biases neither side.
    const limRuns: { ips: number; cpu: number }[] = [];
    const o10s: number[] = [];
    const dirs: string[] = [];
    for (let round = 0; round < ROUNDS; round++) dirs.push(await staged(files, 'ours'));
    const dir30 = await staged(files.slice(0, N_OURS30), 'ours30');
    for (let round = 0; round < ROUNDS; round++) {
      log(`[${dtype}] limit (round ${round + 1})…`);
      limRuns.push(await measureLimit());
      log(`[${dtype}] ours (10 categories, ${files.length} images, round ${round + 1})…`);
      o10s.push(await ours(dtype, dirs[round], set10));
    }
    log(`[${dtype}] limit (last)…`);
    limRuns.push(await measureLimit());
    const useOne = oneLane.length > 0 && mean(oneLane.map((l) => l.ips)) > mean(limRuns.map((l) => l.ips));
    const limBy = useOne ? oneLane : limRuns;
    const lims = limBy.map((l) => l.ips);
    const lim = mean(lims);
    const o10 = mean(o10s);
    log(`[${dtype}] pipeline CPU (inference stubbed, ${files.length} images)…`);
    const limCpu = mean(limBy.map((l) => l.cpu));
    const pipeCpu = await pipelineCpu(dtype, files, set10);
    const ceiling = limCpu / (limCpu + pipeCpu);
    log(`[${dtype}] ours (30 categories, ${N_OURS30} images)…`);
    const o30 = await ours(dtype, dir30, set30);
    log(`[${dtype}] naive pipeline…`);
    const n10 = await naive(dtype, files.slice(0, N_NAIVE), set10);
    const n30 = await naive(dtype, files.slice(0, N_NAIVE), set30);
    ratios[dtype] = { ol: o10 / lim, on10: o10 / n10, on30: o30 / n30, ceiling };
    rows.push(
      ['limit (vision tower, batched ORT)', dtype, lim.toFixed(2), 'img/s', `${N_LIMIT} preprocessed images, batch ${BATCH}; mean of ${lims.map((v) => v.toFixed(2)).join(', ')} around the ours runs${oneLane.length ? `; the faster mean of the product's vision lanes (${limRuns.map((l) => l.ips.toFixed(2)).join(', ')}) and one ${THREADS}-thread session (${oneLane.map((l) => l.ips.toFixed(2)).join(', ')}): ${useOne ? 'one session' : 'the lanes'}` : ''}`],
      ['ours (classify, 10 categories)', dtype, o10.toFixed(2), 'img/s', `${files.length} images end to end incl. sidecars (warm model); mean of ${o10s.map((v) => v.toFixed(2)).join(', ')}`],
      ['ours (classify, 30 categories)', dtype, o30.toFixed(2), 'img/s', `${N_OURS30} images`],
      ['naive pipeline, 10 labels', dtype, n10.toFixed(2), 'img/s', `${N_NAIVE} images, per-image calls`],
      ['naive pipeline, 30 labels', dtype, n30.toFixed(2), 'img/s', `${N_NAIVE} images`],
      ['ours / limit', dtype, ratios[dtype].ol.toFixed(3), 'ratio', 'target ≥ 0.92 (median of three runs)'],
      ['ceiling of ours / limit on these cores', dtype, ceiling.toFixed(3), 'ratio', `ORT ${limCpu.toFixed(1)} ms CPU/img at the limit ÷ (that + ${pipeCpu.toFixed(1)} ms CPU/img of decode, hashing and sidecars, inference stubbed)`],
      ['ours / naive @10', dtype, ratios[dtype].on10.toFixed(2), 'ratio', 'target ≥ 1.5'],
      ['ours / naive @30', dtype, ratios[dtype].on30.toFixed(2), 'ratio', 'grows with categories'],
    );
  }
  const throughputPeak = peakRssMB();
  const lp = await runLeakPhaseInChild();
  await Promise.all(stagedDirs.map((d) => fs.rm(d, { recursive: true, force: true })));
  const growth = (lp.rssAtEnd - lp.rssAtMark) / lp.rssAtMark;
  rows.push(
    ['classify throughput, leak run', lp.leakDtype, lp.ips.toFixed(2), 'img/s', `${N_LEAK} CIFAR images, fresh process`],
    ['rescore in memory (edited description)', lp.leakDtype, lp.rescore.inMemory.toFixed(3), 's', `${lp.rescore.n} cached embeddings, 0 images encoded`],
    ['persist rescored sidecars', lp.leakDtype, lp.rescore.persist.toFixed(2), 's', `${lp.rescore.n} full predictions + atomic writes`],
    ['thumbnails (256 px webp)', '-', lp.thumbnails.toFixed(1), 'img/s', 'hymenoptera photos'],
    ['peak RSS', '-', `${throughputPeak.toFixed(0)} / ${lp.peakRss.toFixed(0)}`, 'MB', 'throughput process (getrusage) / leak-run process (sampled; ru_maxrss survives exec)'],
    ['RSS at image ' + LEAK_MARK + ' → ' + N_LEAK, lp.leakDtype, `${lp.rssAtMark.toFixed(0)} → ${lp.rssAtEnd.toFixed(0)}`, 'MB', `growth ${(growth * 100).toFixed(1)}% (target ≤ 5%)`],
    ['event-loop delay p99 during run', lp.leakDtype, lp.loop.p99.toFixed(1), 'ms', `p50 ${lp.loop.p50.toFixed(1)} ms, max ${lp.loop.max.toFixed(1)} ms (target < 50)`],
  );
  console.log(`\nImage Triage benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  console.log(`model: ${MODEL} (random weights, exact ViT-B/32 shape)\n`);
  console.log(table(rows));
  const worst = (k: 'ol' | 'on10' | 'ceiling') => Math.min(...Object.values(ratios).map((r) => r[k]));
  console.log(`\n(ratios: the worst over dtypes ${DTYPES.join(', ')}; each compares like with like)`);
  console.log(`ratios: ours_vs_limit=${worst('ol').toFixed(3)} ours_vs_naive=${worst('on10').toFixed(2)} rescore10k_s=${lp.rescore.inMemory.toFixed(3)} rss_growth=${growth.toFixed(3)} ceiling=${worst('ceiling').toFixed(3)}`);
}

const USAGE = `usage: npm run bench -- [--quick] [--dtypes fp32,q8] [--threads N] [--lanes N] [--batch 16] [--rounds 2] [--images 1000] [--leak-images 10000] [--model <dir>]
  Classification throughput against the model's own limit on a random-weight ViT-B/32 (generated
  into .bench/ if missing), the naive pipeline, a 10,000-image leak check, re-scoring and thumbnails.
  --quick: a smaller run; --lanes: vision sessions side by side (default 2 on the CPU); --rounds: ours runs between limit measurements; --images: images per ours run; --leak-images: images of the leak check.
  The last line is \`ratios: ours_vs_limit=… ours_vs_naive=… rescore10k_s=… rss_growth=… ceiling=…\`.`;

if (argv.includes('--help') || argv.includes('-h')) console.log(USAGE);
else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
