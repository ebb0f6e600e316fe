// The lock file's stale-lock recovery, the directory fsync path, and the sweep of leftovers of
// interrupted writes (temp files, dead locks) on the next run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isStaleLock, lockPathOf, pidAlive, withFileLock, STALE_MS } from '../../../src/core/fileLock';
import { sweepDir, sweepExportLeftovers } from '../../../src/core/leftovers';
import { hostTag, LEFTOVER_RE, syncDir, tempPathFor, writeFileAtomic } from '../../../src/core/atomicWrite';
import { leftoverImage } from '../../../src/core/shard';
import { discoverImages } from '../../../src/core/discovery';
import { sidecarPath, updateSidecar } from '../../../src/core/sidecarStore';
import { newSidecar } from '../../../src/core/sidecar';
import { solidColorPng, tempDir } from '../../support/fixtures';

/** The pid of a process that has exited (as after kill -9). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function ownerJson(pid: number, host = os.hostname()) {
  return JSON.stringify({ pid, host, nonce: 'feedfacefeedface', at: new Date().toISOString() });
}

test('a lock left by a killed process is broken at once; a live one is waited for', async () => {
  const dir = await tempDir('lock-');
  const target = path.join(dir, 'a.jpg.labels.json');
  await fs.writeFile(lockPathOf(target), ownerJson(deadPid()));
  const t0 = Date.now();
  assert.equal(await withFileLock(lockPathOf(target), async () => 'ran'), 'ran');
  assert.ok(Date.now() - t0 < STALE_MS / 2, 'no wait for the timeout');

  // Held by this (live) process: the second taker waits until it is released.
  const order: string[] = [];
  let release!: () => void;
  const first = withFileLock(lockPathOf(target), () => new Promise<void>((r) => (release = () => (order.push('first'), r()))));
  await new Promise((r) => setTimeout(r, 50));
  const second = withFileLock(lockPathOf(target), async () => void order.push('second'));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(order, [], 'second waits');
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first', 'second']);
  assert.deepEqual(await fs.readdir(dir), [], 'lock released');
});

test('a zombie (killed, not yet reaped by its parent) counts as dead: its lock is stale at once (Linux: /proc)', async () => {
  // `sleep 0` exits; its parent has become `sleep 30` (exec), which never waits for it: a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d).trim()))));
    const state = () => {
      const s = readFileSync(`/proc/${zombie}/stat`, 'latin1');
      return s.charAt(s.lastIndexOf(')') + 2);
    };
    for (let i = 0; i < 200 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(state(), 'Z', 'the child is a zombie');
    assert.doesNotThrow(() => process.kill(zombie, 0), 'signal 0 still reaches it');
    assert.equal(pidAlive(zombie), false);
    assert.equal(pidAlive(parent.pid!), true, 'its running parent is alive');

    const dir = await tempDir('lock-');
    const target = path.join(dir, 'z.jpg.labels.json');
    await fs.writeFile(lockPathOf(target), ownerJson(zombie));
    assert.equal(await isStaleLock(lockPathOf(target)), true, 'fresh, but its owner is a zombie');
    await fs.writeFile(lockPathOf(target), ownerJson(parent.pid!));
    assert.equal(await isStaleLock(lockPathOf(target)), false, 'fresh and its owner runs');
    assert.deepEqual(await sweepDir(dir), [], 'a live owner\'s lock is kept');
    await fs.writeFile(lockPathOf(target), ownerJson(zombie));
    assert.deepEqual(await sweepDir(dir), [lockPathOf(target)], 'a zombie\'s lock is swept');
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a lock of another machine is broken only once it has not been refreshed for STALE_MS', async () => {
  const dir = await tempDir('lock-');
  const target = path.join(dir, 'b.jpg.labels.json');
  const lock = lockPathOf(target);
  await fs.writeFile(lock, ownerJson(1, 'some-other-host'));
  const old = new Date(Date.now() - STALE_MS - 1000);
  await fs.utimes(lock, old, old);
  assert.equal(await withFileLock(lockPathOf(target), async () => 'ran'), 'ran');
});

test('interrupted writes leave hidden temp files that discovery ignores and the next run sweeps', async () => {
  const dir = await tempDir('sweep-');
  const img = path.join(dir, 'a.png');
  await fs.writeFile(img, await solidColorPng('red', 8));
  const dead = deadPid();
  const names = {
    deadTmp: `.a.png.labels.json.${dead}.0123abcd.tmp`,
    liveTmp: `.a.png.labels.json.${process.pid}.0123abcd.tmp`,
    deadLock: '.a.png.labels.json.lock',
    deadBroken: `.a.png.labels.json.lock.${dead}.89abcdef.broken`,
    userHidden: '.notes.lock',
  };
  await fs.writeFile(path.join(dir, names.deadTmp), '{"half": ');
  await fs.writeFile(path.join(dir, names.liveTmp), '{"in progress": ');
  await fs.writeFile(path.join(dir, names.deadLock), ownerJson(dead));
  await fs.writeFile(path.join(dir, names.deadBroken), ownerJson(dead));
  await fs.writeFile(path.join(dir, names.userHidden), 'not ours');
  const found = await discoverImages(dir);
  assert.deepEqual(found.images.map((i) => i.relPath), ['a.png'], 'leftovers are never images');
  assert.equal(found.leftovers.length, 5, 'candidates by name; the sweep checks each one');
  const removed = (await sweepDir(dir)).map((p) => path.basename(p)).sort();
  assert.deepEqual(removed, [names.deadTmp, names.deadLock, names.deadBroken].sort());
  assert.deepEqual((await fs.readdir(dir)).sort(), ['.notes.lock', names.liveTmp, 'a.png'].sort(), 'a write in progress and user files are kept');
  // And a locked update goes through once the dead lock is gone.
  await fs.writeFile(path.join(dir, names.deadLock), ownerJson(dead));
  await updateSidecar(img, () => newSidecar({ name: 'a.png', sha256: '0'.repeat(64), size: 1 }));
  assert.ok(!(await fs.readdir(dir)).includes(names.deadLock));
});

test('atomic writes fsync the folder after the rename (and tolerate folders that refuse it)', async () => {
  const dir = await tempDir('fsync-');
  await syncDir(dir); // a plain folder syncs without error on Linux/macOS
  const target = path.join(dir, 'r.json');
  const calls: string[] = [];
  await writeFileAtomic(target, 'one', { beforeRename: async () => void calls.push((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp')).length ? 'tmp on disk' : 'no tmp') });
  assert.deepEqual(calls, ['tmp on disk']);
  assert.equal(await fs.readFile(target, 'utf8'), 'one');
  await assert.rejects(writeFileAtomic(target, 'two', { beforeRename: async () => { throw new Error('abort'); } }), /abort/);
  assert.equal(await fs.readFile(target, 'utf8'), 'one', 'an aborted write leaves the old file');
  assert.deepEqual(await fs.readdir(dir), ['r.json'], 'and no temp file');
});

test('a killed export: its unfinished folder is removed, a previous export set aside is put back', async () => {
  const dir = await tempDir('exportsweep-');
  const dead = deadPid();
  await fs.mkdir(path.join(dir, `.ds.export-${dead}-0123abcd.tmp`, 'cat'), { recursive: true });
  await fs.mkdir(path.join(dir, `.old-ds.export-${dead}-89abcdef.tmp.old`));
  await fs.writeFile(path.join(dir, `.old-ds.export-${dead}-89abcdef.tmp.old`, 'export.json'), '{}');
  await fs.mkdir(path.join(dir, `.live.export-${process.pid}-0123abcd.tmp`));
  const removed = await sweepExportLeftovers(dir);
  assert.deepEqual(removed.map((p) => path.basename(p)), [`.ds.export-${dead}-0123abcd.tmp`]);
  assert.deepEqual((await fs.readdir(dir)).sort(), [`.live.export-${process.pid}-0123abcd.tmp`, 'old-ds'].sort());
  assert.equal(await fs.readFile(path.join(dir, 'old-ds', 'export.json'), 'utf8'), '{}');
});

test('temp names carry the host: a pid is judged only on its own host, another host\'s temp only by age (a day)', async () => {
  assert.equal(hostTag('build-07.example.com'), 'build-07_example_com');
  const tmp = path.basename(tempPathFor('/x/a.png.labels.json'));
  assert.ok(tmp.startsWith(`.a.png.labels.json.${process.pid}@${hostTag()}.`), tmp);
  assert.equal(LEFTOVER_RE.exec(tmp)?.[2], hostTag());
  const dir = await tempDir('hostsweep-');
  const dead = deadPid();
  const other = hostTag() === 'otherhost' ? 'otherhost2' : 'otherhost';
  const names = {
    deadHere: `.a.png.labels.json.${dead}@${hostTag()}.0123abcd.tmp`,
    deadOtherFresh: `.b.png.labels.json.${dead}@${other}.0123abcd.tmp`,
    deadOtherHours: `.c.png.labels.json.${dead}@${other}.0123abcd.tmp`,
    otherOld: `.d.png.labels.json.${process.pid}@${other}.0123abcd.tmp`,
    legacyDead: `.e.png.labels.json.${dead}.0123abcd.tmp`,
  };
  for (const n of Object.values(names)) await fs.writeFile(path.join(dir, n), '{');
  const hoursAgo = new Date(Date.now() - 3 * 3600_000);
  const daysAgo = new Date(Date.now() - 2 * 86400_000);
  await fs.utimes(path.join(dir, names.deadOtherHours), hoursAgo, hoursAgo);
  await fs.utimes(path.join(dir, names.otherOld), daysAgo, daysAgo);
  const removed = (await sweepDir(dir)).map((p) => path.basename(p)).sort();
  assert.deepEqual(removed, [names.deadHere, names.otherOld, names.legacyDead].sort());
  assert.deepEqual((await fs.readdir(dir)).sort(), [names.deadOtherFresh, names.deadOtherHours].sort(), 'another host\'s write in progress is kept');
  assert.equal(leftoverImage(dir, path.join(dir, names.deadOtherFresh)), 'b.png');
  assert.equal(leftoverImage(dir, path.join(dir, names.legacyDead)), 'e.png');
  // Exports: another host's unfinished folder is kept until a day old; this host's dead one goes.
  await fs.mkdir(path.join(dir, `.ds.export-${dead}@${other}-0123abcd.tmp`));
  await fs.mkdir(path.join(dir, `.ds2.export-${dead}@${other}-0123abcd.tmp`));
  await fs.utimes(path.join(dir, `.ds2.export-${dead}@${other}-0123abcd.tmp`), daysAgo, daysAgo);
  await fs.mkdir(path.join(dir, `.ds3.export-${dead}@${hostTag()}-0123abcd.tmp`));
  const gone = (await sweepExportLeftovers(dir)).map((p) => path.basename(p)).sort();
  assert.deepEqual(gone, [`.ds2.export-${dead}@${other}-0123abcd.tmp`, `.ds3.export-${dead}@${hostTag()}-0123abcd.tmp`].sort());
  await fs.rm(dir, { recursive: true, force: true });
});

test('a folder is swept again by a write once its last sweep is 10 minutes old (a CLI killed while VS Code stays open)', async (t) => {
  const dir = await tempDir('resweep-');
  const img = path.join(dir, 'a.png');
  await fs.writeFile(img, await solidColorPng('red', 8));
  const write = () => updateSidecar(img, () => newSidecar({ name: 'a.png', sha256: '0'.repeat(64), size: 1 }));
  await write(); // this process's first write into the folder sweeps it
  // Then a CLI run is killed holding the lock of another image's sidecar.
  const lock = lockPathOf(sidecarPath(path.join(dir, 'b.png')));
  await fs.writeFile(lock, ownerJson(deadPid()));
  await write();
  assert.ok(await fs.stat(lock).then(() => true, () => false), 'within 10 minutes of the last sweep, no new sweep');
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 11 * 60 * 1000 });
  await write();
  for (let i = 0; i < 200 && (await fs.stat(lock).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(await fs.stat(lock).then(() => true, () => false), false, 'the dead CLI\'s lock is swept by the write 11 minutes later');
  assert.deepEqual((await fs.readdir(dir)).sort(), ['a.png', 'a.png.labels.json']);
});
