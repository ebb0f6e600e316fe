// Chaos suite (`npm run test:chaos`): kill -9 the built CLI at random moments during classify, review,
// audit mark, certify, accept --auto / --undo and export, then check: every sidecar parses and validates, every decision the CLI
// reported as written is on disk, predictions never vanish, a rerun completes, and no temp file or
// lock is left. Last line: `chaos: kills=N corrupt=0 lost=0 leftovers=0` (exit 1 otherwise).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SidecarCorruptError, readSidecar } from '../../src/core/sidecarStore';
import { discoverImages } from '../../src/core/discovery';
import { isLeftoverName } from '../../src/core/leftovers';
import { mulberry32 } from '../../src/core/audit/prng';
import { solidColorPng, tempDir, tinyModel } from '../support/fixtures';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const KILLS = Number(process.env.CHAOS_KILLS ?? 50);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1e9);
const rand = mulberry32(seed);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
const COLOURS = ['red', 'green', 'blue', 'yellow'];

interface Ran { code: number | null; out: string; err: string; killed: boolean; ms: number }

function runCli(args: string[], killAfterMs?: number): Promise<Ran> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMAGE_TRIAGE_USER: 'chaos' } });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => ((killed = child.kill('SIGKILL')), undefined), killAfterMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, killed: killed && code === null, ms: Date.now() - t0 });
    });
  });
}

async function main() {
  const root = await tempDir('chaos-');
  const exportsDir = await tempDir('chaos-out-');
  for (let i = 0; i < 24; i++) {
    const dir = path.join(root, i % 2 ? 'a' : 'b');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `img${i}.png`), await solidColorPng(COLOURS[i % 4], 24 + i));
  }
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: COLOURS.map((n) => ({ name: n, description: `a ${n} square` })) }));
  const model = await tinyModel('clip');
  const cache = await tempDir('chaos-cache-');
  const images = (await discoverImages(root)).images.map((i) => i.path);
  const reviewable = images.filter((i) => path.basename(path.dirname(i)) === 'a');
  const classify = ['classify', root, '--model', model, '--cache-dir', cache];
  const setup = await runCli(classify);
  if (setup.code !== 0) throw new Error(`first classify failed (${setup.code})`);
  const sample = await runCli(['audit', 'sample', root, '--size', '8', '--seed', '1']);
  if (sample.code !== 0) throw new Error('audit sample failed');

  const awaitingCertify = async () => {
    const out: string[] = [];
    for (const img of images) {
      const sc = await readSidecar(img).catch(() => null);
      if (sc?.audit.some((e) => e.status === 'awaiting' && e.certify)) out.push(img);
    }
    return out;
  };
  // Certify at ≤ 50% from the start (5 clean judgements), so accept --auto and --undo have work to be killed in.
  const certify = ['certify', root, '--max-error', '0.5', '--size', '5', '--seed', '1'];
  if ((await runCli(certify)).code !== 0) throw new Error('certify failed');
  for (const img of await awaitingCertify()) {
    if ((await runCli(['audit', 'mark', img, '--category-right'])).code !== 0) throw new Error('audit mark --category-right failed');
  }
  if (!/CERTIFIED/.test((await runCli(certify)).out)) throw new Error('the setup sample did not certify');
  // Acknowledged human writes: the note token the CLI printed back as written, by image.
  const acked = new Map<string, Set<string>>();
  let token = 0;
  const runsDir = path.join(root, '.image-triage', 'accept-runs');
  const openRuns = async () => (await fs.readdir(runsDir).catch(() => [] as string[])).filter((n) => /^aa-.*(?<!\.undone)\.jsonl$/.test(n)).map((n) => n.replace(/\.jsonl$/, ''));
  /** What a finished accept/undo printed as done, checked on disk at once (nothing else runs in between). */
  const autoLost = async (r: Ran, undo: boolean): Promise<number> => {
    if (r.code !== 0) return 0;
    const res = JSON.parse(r.out.trim().split('\n').pop()!) as { run_id: string; accepted_images?: string[]; restored?: string[] };
    let n = 0;
    for (const rel of (undo ? res.restored : res.accepted_images) ?? []) {
      const sc = await readSidecar(path.join(root, rel)).catch(() => null);
      const isAuto = sc?.review.status === 'auto-accepted' && sc.review.auto?.run_id === res.run_id;
      if (isAuto === undo) {
        n++;
        console.error(`lost: ${rel} ${undo ? 'still auto-accepted after undo of' : 'not auto-accepted by'} ${res.run_id}`);
      }
    }
    return n;
  };
  interface Planned { args: string[]; notes: Map<string, string>; rerunOk?: (r: Ran) => boolean; verify?: (r: Ran) => Promise<number> }
  type Op = { name: string; args: () => Promise<Planned> };
  const ops: Op[] = [
    { name: 'classify', args: async () => ({ args: [...classify, ...(rand() < 0.6 ? ['--force'] : [])], notes: new Map() }) },
    {
      name: 'review',
      args: async () => {
        // People review only in a/; b/ stays for certify and accept (which touch only unreviewed images).
        const imgs = Array.from({ length: 4 }, () => pick(reviewable));
        const note = `t${++token}`;
        const how = pick([['--accept'], ['--reject'], ['--label', pick(COLOURS)]]);
        return { args: ['review', ...new Set(imgs), ...how, '--note', note], notes: new Map(imgs.map((i) => [i, note])) };
      },
    },
    {
      name: 'audit mark',
      args: async () => {
        // Half the time, judge a unit of the certification sample (so certify can certify and accept run).
        const waiting = rand() < 0.5 ? await awaitingCertify() : [];
        const img = waiting.length ? pick(waiting) : pick(images);
        const note = `t${++token}`;
        const how = waiting.length ? ['--category-right'] : ['--verdict', pick(['accurate', 'partly', 'hallucinated'])];
        return { args: ['audit', 'mark', img, ...how, '--note', note], notes: new Map([[img, note]]) };
      },
    },
    {
      name: 'certify',
      // Exit 1 with "nothing to certify" once every image is reviewed: an honest refusal, not a failure.
      args: async () => ({ args: ['certify', root, '--max-error', '0.5', '--size', String(pick([5, 5, 5, 6])), '--seed', '1'], notes: new Map(), rerunOk: (r) => r.code === 0 || (r.code === 1 && /nothing to certify/.test(r.err)) }),
    },
    {
      name: 'accept',
      args: async () => {
        const runs = await openRuns();
        if (runs.length && rand() < 0.6) {
          const id = pick(runs);
          // A rerun after the killed undo renamed the journal finds no run: refused, exit 1.
          return { args: ['accept', root, '--undo', id, '--json'], notes: new Map(), rerunOk: (r) => r.code === 0 || (r.code === 1 && /no auto-accept run/.test(r.err)), verify: (r) => autoLost(r, true) };
        }
        return { args: ['accept', root, '--auto', '--max-error', '0.5', '--json'], notes: new Map(), rerunOk: (r) => r.code === 0 || (r.code === 1 && /Refused/.test(r.err)), verify: (r) => autoLost(r, false) };
      },
    },
    { name: 'export', args: async () => ({ args: ['export', root, '--format', pick(['csv', 'imagefolder', 'jsonl']), '--out', path.join(exportsDir, 'ds'), '--overwrite', '--labels', 'predicted', '--files', 'copy'], notes: new Map() }) },
  ];
  const typical = new Map<string, number>();
  const ack = (notes: Map<string, string>, out: string) => {
    for (const line of out.split('\n')) {
      const img = [...notes.keys()].find((i) => line.startsWith(`${i}: `));
      if (img) (acked.get(img) ?? acked.set(img, new Set()).get(img)!).add(notes.get(img)!);
    }
  };
  let kills = 0;
  let corrupt = 0;
  let lost = 0;
  let leftovers = 0;
  let rerunsFailed = 0;
  const hadPrediction = new Set<string>(images);
  for (let round = 0; kills < KILLS && round < KILLS * 4; round++) {
    const op = pick(ops);
    const { args, notes, rerunOk, verify } = await op.args();
    // Kill at a uniform moment within the op's last full run, so most rounds really kill (a fixed
    // window left most quick ops finishing first on an idle machine).
    const est = typical.get(op.name) ?? 1500;
    const r = await runCli(args, Math.floor(rand() * est));
    ack(notes, r.out);
    if (r.killed) kills++;
    else typical.set(op.name, r.ms);
    if (!r.killed && verify) lost += await verify(r);
    // After the kill: every sidecar parses and validates; no acknowledged decision or prediction is gone.
    const check = async (when: string) => {
      for (const img of images) {
        try {
          const sc = await readSidecar(img);
          if (!sc?.predictions['zero-shot'] && hadPrediction.has(img)) {
            lost++;
            console.error(`lost (${when}): ${img} has no prediction`);
          }
          const notesOnDisk = new Set([...(sc?.review.history ?? []).map((h) => h.note), ...(sc?.audit ?? []).map((a) => a.note)]);
          for (const t of acked.get(img) ?? []) {
            if (!notesOnDisk.has(t)) {
              lost++;
              console.error(`lost (${when}): ${img} decision ${t}`);
            }
          }
        } catch (e) {
          if (!(e instanceof SidecarCorruptError)) throw e;
          corrupt++;
          console.error(`corrupt (${when}): ${e.message}`);
        }
      }
    };
    await check(`after ${op.name}${r.killed ? ' killed' : ''}`);
    // Restart the same command: it completes and leaves nothing behind.
    const again = await runCli(args);
    ack(notes, again.out);
    if (verify) lost += await verify(again);
    const rerunGood = (rerunOk ?? ((x: Ran) => x.code === 0))(again);
    if (!rerunGood) {
      rerunsFailed++;
      console.error(`rerun of ${args.slice(0, 2).join(' ')} exited ${again.code}: ${again.err.slice(-300)}`);
    }
    await check(`after rerun of ${op.name}`);
    for (const dir of [root, path.join(root, 'a'), path.join(root, 'b'), exportsDir, runsDir]) {
      for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
        if (isLeftoverName(name) || /\.export-\d+(?:@[A-Za-z0-9_-]+)?-[0-9a-f]+\.tmp/.test(name)) {
          leftovers++;
          console.error(`leftover after rerun of ${op.name}: ${path.join(dir, name)}`);
        }
      }
    }
    console.log(`round ${round + 1}: ${args[0] === 'accept' ? `accept ${args[2]}` : op.name} ${r.killed ? `killed after ${r.ms} ms` : `finished in ${r.ms} ms`}; rerun ${again.code === 0 ? 'ok' : rerunGood ? `refused (${again.err.trim().split('\n')[0].slice(0, 60)})` : 'FAILED'}`);
  }
  const ok = kills >= KILLS && corrupt === 0 && lost === 0 && leftovers === 0 && rerunsFailed === 0;
  if (rerunsFailed) console.log(`chaos: ${rerunsFailed} reruns failed (seed ${seed})`);
  console.log(`chaos: kills=${kills} corrupt=${corrupt} lost=${lost} leftovers=${leftovers}`);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  console.log('chaos: kills=0 corrupt=? lost=? leftovers=? (the suite itself failed)');
  process.exit(1);
});
