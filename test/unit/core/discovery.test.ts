import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMAGE_EXTENSIONS, discoverImages, isImagePath, sidecarPathFor } from '../../../src/core/discovery';

const REPO = path.resolve(__dirname, '../../..');
const CIFAR = path.resolve(REPO, '../shared/datasets/cifar10-test');

async function tempTree(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'triage-discovery-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, content);
  }
  return root;
}

const rels = (r: { images: { relPath: string }[] }) => r.images.map((i) => i.relPath);

test('isImagePath knows the image extensions in any case, and sidecars are not images', () => {
  assert.deepEqual([...IMAGE_EXTENSIONS], ['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif']);
  for (const p of ['a.jpg', 'B.JPG', 'c.Jpeg', 'd.png', 'e.webp', 'f.gif', 'g.tif', 'h.TIFF', 'i.avif', 'dir.png/x.png']) {
    assert.equal(isImagePath(p), true, p);
  }
  for (const p of ['a.jpg.labels.json', 'notes.txt', 'jpg', 'archive.jpg.zip', 'raw.cr2', 'noext']) {
    assert.equal(isImagePath(p), false, p);
  }
  assert.equal(sidecarPathFor('/data/cats/0001.jpg'), '/data/cats/0001.jpg.labels.json');
});

test('finds images in nested folders, sorted by relPath, skipping hidden, node_modules, sidecars and non-images', async () => {
  const root = await tempTree({
    'b/inner/deep/z.png': 'zz',
    'b/a.JPG': 'abc',
    'a.jpeg': 'a',
    'B_upper.webp': 'w',
    'a.jpeg.labels.json': '{}',
    'notes.txt': 'x',
    '.hidden.jpg': 'h',
    '.cache/thumb.jpg': 't',
    'node_modules/pkg/logo.png': 'p',
    'b/.git/x.png': 'g',
  });
  try {
    const r = await discoverImages(root);
    assert.deepEqual(await discoverImages(root, { workerFrom: 0 }), r, 'sizes read in the worker thread give the same result');
    assert.deepEqual(rels(r), ['B_upper.webp', 'a.jpeg', 'b/a.JPG', 'b/inner/deep/z.png']);
    assert.deepEqual(r.problems, []);
    const upper = r.images.find((i) => i.relPath === 'b/a.JPG')!;
    assert.equal(upper.path, path.join(root, 'b', 'a.JPG'));
    assert.equal(upper.size, 3);
    // With stamps: the sidecar's (mtime/size/inode) where one exists, null where none; worker = async.
    const stamped = await discoverImages(root, { stamps: true });
    assert.deepEqual(await discoverImages(root, { stamps: true, workerFrom: 0 }), stamped, 'stamps read in the worker thread give the same result');
    const st = await fs.stat(path.join(root, 'a.jpeg.labels.json'));
    assert.equal(stamped.images.find((i) => i.relPath === 'a.jpeg')!.sidecarStamp, `${st.mtimeMs}/${st.size}/${st.ino}`);
    assert.deepEqual(stamped.images.filter((i) => i.sidecarStamp === null).map((i) => i.relPath), ['B_upper.webp', 'b/a.JPG', 'b/inner/deep/z.png']);
    assert.ok(r.images.every((i) => !('sidecarStamp' in i)), 'no stamps unless asked');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a symlink loop terminates without duplicates; links inside the folder are followed, links out of it are refused', async () => {
  const root = await tempTree({ 'photos/one.jpg': '1', 'photos/sub/two.png': '22' });
  const outside = await tempTree({ 'ext.gif': 'g', 'more/x.tif': 'x' });
  try {
    await fs.symlink('..', path.join(root, 'photos/sub/loop')); // points to its parent's parent folder
    await fs.symlink(path.join(root, 'photos'), path.join(root, 'photos-alias')); // duplicate of a real folder
    await fs.symlink(path.join(root, 'photos/one.jpg'), path.join(root, 'link-to-one.jpg'));
    await fs.symlink(outside, path.join(root, 'external'));
    const r = await discoverImages(root);
    assert.deepEqual(await discoverImages(root, { workerFrom: 0 }), r, 'sizes read in the worker thread give the same result');
    assert.deepEqual(rels(r), [
      'link-to-one.jpg',
      'photos/one.jpg',
      'photos/sub/two.png',
    ]);
    assert.equal(r.images.find((i) => i.relPath === 'link-to-one.jpg')!.size, 1);
    // The loop and the alias are reported as skipped, not walked.
    assert.deepEqual(
      r.problems.map((p) => [path.relative(root, p.path), /already scanned as "(.*)"/.exec(p.message)?.[1]]),
      [
        ['external', undefined],
        ['photos-alias', 'photos'],
        ['photos/sub/loop', 'photos'],
      ],
    );
    const out = r.problems.find((p) => p.path === path.join(root, 'external'))!;
    assert.match(out.message, /^symbolic link points outside the folder \(-> .*\); not read/);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  }
});

test('a broken symlink is reported in problems and the rest is still found', async () => {
  const root = await tempTree({ 'ok.png': 'p' });
  try {
    await fs.symlink(path.join(root, 'missing.jpg'), path.join(root, 'dangling.jpg'));
    await fs.symlink(path.join(root, 'ok.png', 'not-a-dir'), path.join(root, 'bad-folder-link'));
    const r = await discoverImages(root);
    assert.deepEqual(await discoverImages(root, { workerFrom: 0 }), r, 'sizes read in the worker thread give the same result');
    assert.deepEqual(rels(r), ['ok.png']);
    assert.equal(r.problems.length, 2);
    assert.equal(r.problems[0].path, path.join(root, 'bad-folder-link'));
    assert.match(r.problems[0].message, /^broken symbolic link -> .*not-a-dir \(ENOTDIR/);
    assert.equal(r.problems[1].path, path.join(root, 'dangling.jpg'));
    assert.match(r.problems[1].message, /^broken symbolic link -> .*missing\.jpg \(ENOENT/);
    assert.doesNotMatch(r.problems[1].message, /ENOENT: ENOENT/, 'the code is said once');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

// Lists `root` as an unprivileged user when running as root (root ignores chmod 000), else in-process.
function discoverAsUnprivileged(root: string): { images: string[]; problems: { path: string; message: string }[] } {
  const script = `
    const { discoverImages } = require(${JSON.stringify(path.join(REPO, 'src/core/discovery.ts'))});
    discoverImages(${JSON.stringify(root)}).then(
      (r) => process.stdout.write(JSON.stringify({ images: r.images.map((i) => i.relPath), problems: r.problems })),
      (e) => { console.error(e); process.exit(3); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: REPO,
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    env: { ...process.env, HOME: os.tmpdir() },
  });
  assert.equal(r.status, 0, `child failed: ${r.error ?? ''} ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('an unreadable folder is reported in problems, not thrown', async () => {
  const root = await tempTree({ 'visible/a.png': 'a', 'locked/secret.png': 's' });
  try {
    await fs.chmod(path.join(root, 'locked'), 0o000);
    await fs.chmod(root, 0o755);
    await fs.chmod(path.join(root, 'visible'), 0o755);
    await fs.chmod(path.join(root, 'visible/a.png'), 0o644);
    const r = process.getuid?.() === 0 ? discoverAsUnprivileged(root) : await discoverImages(root).then((x) => ({ images: rels(x), problems: x.problems }));
    assert.deepEqual(r.images, ['visible/a.png']);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].path, path.join(root, 'locked'));
    assert.match(r.problems[0].message, /^cannot read folder \(EACCES/);
  } finally {
    await fs.chmod(path.join(root, 'locked'), 0o755);
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a root that is missing or not a folder throws', async () => {
  const root = await tempTree({ 'file.jpg': 'x' });
  try {
    await assert.rejects(discoverImages(path.join(root, 'nope')), /ENOENT/);
    await assert.rejects(discoverImages(path.join(root, 'file.jpg')), /is not a folder/);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('an aborted signal stops discovery', async () => {
  const root = await tempTree({ 'a.png': 'a' });
  try {
    const ac = new AbortController();
    ac.abort(new Error('cancelled by user'));
    await assert.rejects(discoverImages(root, { signal: ac.signal }), /cancelled by user/);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('the 10,000-image CIFAR-10 test folder is discovered completely, sorted and in the same order twice', async () => {
  assert.ok(existsSync(CIFAR), `dataset missing at ${CIFAR}`);
  const t0 = performance.now();
  const first = await discoverImages(CIFAR);
  const ms = performance.now() - t0;
  console.log(`discovered ${first.images.length} images in ${ms.toFixed(0)} ms`);
  const second = await discoverImages(CIFAR);
  assert.equal(first.images.length, 10_000);
  assert.deepEqual(first.problems, []);
  assert.equal(first.images[0].relPath, 'airplane/0000.jpg');
  assert.equal(first.images[9_999].relPath, 'truck/0999.jpg');
  assert.equal(first.images[1_000].relPath, 'automobile/0000.jpg');
  const order = rels(first);
  assert.deepEqual(rels(second), order);
  assert.deepEqual([...order].sort(), order);
  assert.equal(new Set(order).size, 10_000);
  assert.ok(first.images.every((i) => i.size > 0 && i.path === path.join(CIFAR, i.relPath)));
  assert.deepEqual(await discoverImages(CIFAR, { workerFrom: 0 }), first, 'sizes read in the worker thread give the same result');
});

test('a file name that is not valid UTF-8 is one problem, read the same way by the worker thread', async () => {
  const root = await tempTree({ 'ok.png': 'p' });
  try {
    await fs.writeFile(Buffer.concat([Buffer.from(root + '/bad'), Buffer.from([0xff]), Buffer.from('.png')]), 'x');
    const r = await discoverImages(root);
    assert.deepEqual(rels(r), ['ok.png']);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /the file name is not valid UTF-8; rename it/);
    assert.deepEqual(await discoverImages(root, { workerFrom: 0 }), r);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
