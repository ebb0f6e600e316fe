// The bad-input corpus (test/support/badCorpus.ts, generated here) through the built CLI, run as an
// unprivileged user (so permissions are real): each kind gets its own clear line, the run goes on and
// classifies every good image, and nothing outside the corpus's own problems fails. Then the kinds that
// need their own run: a disk-full write, categories files (BOM, duplicate keys, 10 MB) and VLM answers
// (empty, 5 MB, not UTF-8, after the timeout).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { writeBadCorpus, type BadKind } from '../../support/badCorpus';
import { readSidecar } from '../../../src/core/sidecarStore';


const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const COLOURS = ['red', 'green', 'blue', 'yellow'];
const asRoot = process.getuid?.() === 0;
const tmp: string[] = [];
after(() => Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true }))));
const dir = async (p: string) => {
  const d = await tempDir(p);
  tmp.push(d);
  return d;
};
const categories = (root: string) => fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: COLOURS.map((c) => ({ name: c, description: `a ${c} image` })) }));
const openUp = (...dirs: string[]) => dirs.forEach((d) => spawnSync('chmod', ['-R', 'a+rwX', d]));

interface Ran { code: number | null; out: string; err: string }
/** The built CLI as 'nobody' when the tests run as root; `onPaused` runs while a test hook holds it. */
function run(args: string[], env: NodeJS.ProcessEnv = {}, onPaused?: (pid: number) => Promise<void>, hookDir?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
    if (onPaused && hookDir) {
      const paused = path.join(hookDir, `paused-${child.pid}`);
      const poll = async () => {
        while (!(await fs.access(paused).then(() => true, () => false))) {
          if (child.exitCode !== null) return;
          await new Promise((r) => setTimeout(r, 20));
        }
        await onPaused(child.pid!);
        await fs.writeFile(path.join(hookDir, `resume-${child.pid}`), '');
      };
      poll().catch(reject);
    }
  });
}

test('the bad-input corpus: one clear message per kind, every good image classified, the run goes on (exit 2)', { timeout: 300_000 }, async () => {
  const root = await dir('bad-corpus-');
  const outside = await dir('bad-outside-');
  const hooks = await dir('bad-hooks-');
  const cache = await dir('bad-cache-');
  const model = await tinyModel('clip');
  const table: BadKind[] = await writeBadCorpus(root, outside);
  for (const [i, c] of COLOURS.entries()) await fs.writeFile(path.join(root, `good-${c}.png`), await solidColorPng(c, 40 + i));
  await categories(root);
  // Read-only sidecar and read-only folder: the run must not replace what a user protected.
  await fs.mkdir(path.join(root, 'ro-folder'));
  await fs.writeFile(path.join(root, 'ro-folder', 'in-ro.png'), await solidColorPng('red', 41));
  await fs.writeFile(path.join(root, 'rosidecar.png'), await solidColorPng('red', 42));
  const roSidecar = JSON.stringify({ schema: 'image-triage/sidecar', version: 1, image: { name: 'rosidecar.png', sha256: 'b'.repeat(64), size: 1 }, predictions: {}, errors: {}, review: { status: 'pending', labels: [], history: [] }, audit: [] });
  await fs.writeFile(path.join(root, 'rosidecar.png.labels.json'), roSidecar);
  table.push({ kind: 'read-only sidecar', rel: 'rosidecar.png', expect: /sidecar .* is read-only/ });
  table.push({ kind: 'read-only folder', rel: 'ro-folder/in-ro.png', expect: /cannot write the sidecar: the folder is not writable \(EACCES\)/ });
  if (asRoot) openUp(root, outside, hooks, cache, path.dirname(model));
  await fs.chmod(path.join(root, 'secret.png'), 0o000);
  await fs.chmod(path.join(root, 'rosidecar.png.labels.json'), 0o444);
  await fs.chmod(path.join(root, 'ro-folder'), 0o555);
  // The run pauses at its first sidecar write; the last image in order is deleted then.
  const r = await run(
    ['classify', root, '--model', model, '--cache-dir', cache, '--batch', '1', '--json'],
    { IMAGE_TRIAGE_TEST_HOOK_DIR: hooks, IMAGE_TRIAGE_TEST_PAUSE: '1', HOME: cache },
    async () => fs.rm(path.join(root, 'zz-deleted.png')),
    hooks,
  );
  await fs.chmod(path.join(root, 'ro-folder'), 0o755);
  assert.equal(r.code, 2, `exit 2 (some images failed); stderr: ${r.err.slice(-2000)}`);
  const summary = JSON.parse(r.out.trim().split('\n').at(-1)!) as { classified: number; failed: number; errors: { relPath: string; message: string }[] };
  const lines = new Map(summary.errors.map((e) => [e.relPath, e.message]));
  // Each kind: its own line, as the table expects (all checked, then reported together).
  const report: string[] = [];
  const wrong: string[] = [];
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const k of table) {
    let got: string;
    let ok: boolean;
    if (k.expect === 'classified') {
      const sc = await readSidecar(path.join(root, k.rel)).catch((e: Error) => null);
      ok = !!sc?.predictions['zero-shot'];
      got = ok ? 'classified' : `not classified (${lines.get(k.rel) ?? 'no error'})`;
    } else if (k.where === 'warning') {
      got = r.err.split('\n').find((l) => l.includes(k.rel)) ?? '(no warning)';
      ok = new RegExp(`warning: .*${esc(k.rel)}: ${k.expect.source}`).test(got);
    } else {
      got = lines.get(k.rel) ?? '(no error)';
      ok = k.expect.test(got);
    }
    report.push(`${ok ? 'ok  ' : 'FAIL'} ${k.kind}: ${got.replace(/\n/g, '\\n')}`);
    if (!ok) wrong.push(`${k.kind}: expected ${k.expect}, got ${got}`);
  }
  console.log(report.map((l) => `  ${l}`).join('\n'));
  assert.deepEqual(wrong, []);
  // Every failure is one of the corpus's own: nothing good failed alongside.
  const expectedFailures = table.filter((k) => k.expect !== 'classified' && k.where !== 'warning').map((k) => k.rel);
  assert.deepEqual([...lines.keys()].sort(), expectedFailures.sort());
  for (const c of COLOURS) assert.deepEqual((await readSidecar(path.join(root, `good-${c}.png`)))?.predictions['zero-shot']?.predicted_categories.map((p) => p.name), [c]);
  assert.equal(await fs.readFile(path.join(root, 'rosidecar.png.labels.json'), 'utf8'), roSidecar, 'the read-only sidecar is untouched');
  assert.ok(table.length >= 25 - 6, `${table.length} image kinds`);
});
