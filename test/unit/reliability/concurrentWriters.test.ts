// Two processes (panel and CLI, or two CLIs) updating the same sidecars lose nothing: every
// read-modify-write holds the sidecar's lock file. The interleaving is forced with the test hook that
// pauses a writer between its read and its rename.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { newSidecar } from '../../../src/core/sidecar';
import { tempDir } from '../../support/fixtures';

const WRITER = path.resolve(__dirname, '../../support/sidecarWriter.ts');
const SHA = '0'.repeat(64);

function writer(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<string>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer ${args[0]} exited ${code}: ${err}`)))),
  );
  return { child, done };
}

async function until(what: string, cond: () => boolean, limitMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function seeded(dir: string, name: string): Promise<string> {
  const image = path.join(dir, name);
  await fs.writeFile(image, 'x');
  await writeSidecar(image, newSidecar({ name, sha256: SHA, size: 1 }));
  return image;
}

/** A writes, pausing between read and rename; B starts while A is paused; then A is let go. */
async function interleave(image: string, hooks: string, bMode: 'mark' | 'raw-mark'): Promise<string[]> {
  const a = writer(['mark', image, 'A'], { IMAGE_TRIAGE_TEST_HOOK_DIR: hooks, IMAGE_TRIAGE_TEST_PAUSE: '1' });
  await until('A to pause between read and rename', () => existsSync(path.join(hooks, `paused-${a.child.pid}`)));
  const b = writer([bMode, image, 'B'], { IMAGE_TRIAGE_TEST_HOOK_DIR: hooks });
  if (bMode === 'mark') {
    // B has read nothing yet: it is waiting for A's lock.
    await until('B to find the sidecar locked', () => existsSync(path.join(hooks, `busy-${b.child.pid}`)));
  } else {
    await b.done; // the control: B reads the old sidecar and writes while A is paused
  }
  await fs.writeFile(path.join(hooks, `resume-${a.child.pid}`), '');
  await Promise.all([a.done, b.done]);
  return ((await readSidecar(image))!.marks as string[]) ?? [];
}

test('deterministic interleaving: a writer paused between read and rename does not lose the other process\'s change', async () => {
  const dir = await tempDir('cross-');
  const hooks = await tempDir('hooks-');
  const image = await seeded(dir, 'a.jpg');
  assert.deepEqual((await interleave(image, hooks, 'mark')).sort(), ['A', 'B'], 'both changes are on disk');
  assert.deepEqual(await fs.readdir(dir).then((l) => l.sort()), ['a.jpg', 'a.jpg.labels.json'], 'no lock or temp file left');

  // The control shows the hook really interleaves: a writer that skips the lock loses B's change.
  const image2 = await seeded(dir, 'b.jpg');
  assert.deepEqual(await interleave(image2, hooks, 'raw-mark'), ['A'], 'without the lock the later rename wins');
});

test('1,000 random concurrent updates from 4 processes: none is lost', async () => {
  const dir = await tempDir('cross4-');
  const images = await Promise.all(Array.from({ length: 12 }, (_, i) => seeded(dir, `img${i}.jpg`)));
  const outs = await Promise.all([1, 2, 3, 4].map((p) => writer(['random', String(p * 7919), '250', `p${p}`, ...images]).done));
  const acknowledged = outs.flatMap((o) => o.trim().split('\n'));
  assert.equal(acknowledged.length, 1000);
  const onDisk = new Set<string>();
  for (const img of images) for (const t of ((await readSidecar(img))!.marks as string[]) ?? []) onDisk.add(`${path.basename(img)} ${t}`);
  const lost = acknowledged.filter((a) => !onDisk.has(a));
  assert.deepEqual(lost, [], 'every acknowledged update is on disk');
  assert.equal(onDisk.size, 1000);
  const left = (await fs.readdir(dir)).filter((f) => f.startsWith('.'));
  assert.deepEqual(left, [], 'no lock or temp file left');
});
